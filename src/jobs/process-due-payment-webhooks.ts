import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { logJobRun, type ScheduledJobContext } from "../log"
import { drainDuePaymentWebhooks, type DrainCounts } from "../processing/drain"
import { PLUGIN_JOB_NAMES } from "../processing/job-names"

/**
 * On a schedule: drains every row that is due - retries whose time has come, rows whose worker died
 * (their lease ran out) and rows whose trigger was lost - with bounded concurrency.
 */
export default async function processDuePaymentWebhooks(
  container: MedusaContainer,
  context?: ScheduledJobContext
): Promise<DrainCounts> {
  const counts = await drainDuePaymentWebhooks(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  logJobRun(logger, config.name, context, counts, Object.values(counts).some(Boolean))
  return counts
}

/** Every 5 seconds by default; PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE takes any cron expression (seconds allowed). */
export const config = {
  name: PLUGIN_JOB_NAMES.recovery,
  schedule: process.env.PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE || "*/5 * * * * *",
}
