import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { logJobRun, type ScheduledJobContext } from "../log"
import { PLUGIN_JOB_NAMES } from "../processing/job-names"
import { prunePaymentWebhooks, type PruneSummary } from "../processing/retention"

/** Every hour: deletes `processed` and `ignored` rows older than the `retentionDays` option. */
export default async function prunePaymentWebhooksJob(
  container: MedusaContainer,
  context?: ScheduledJobContext
): Promise<PruneSummary> {
  const summary = await prunePaymentWebhooks(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  logJobRun(logger, config.name, context, summary, summary.deleted > 0)
  return summary
}

/** Every hour by default; PAYMENT_WEBHOOKS_RETENTION_SCHEDULE takes any cron expression. */
export const config = {
  name: PLUGIN_JOB_NAMES.retention,
  schedule: process.env.PAYMENT_WEBHOOKS_RETENTION_SCHEDULE || "17 * * * *",
}
