import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { logJobRun, type ScheduledJobContext } from "../log"
import { PLUGIN_JOB_NAMES } from "../processing/job-names"
import { reconcilePaymentSessions, type ReconcileSummary } from "../processing/reconcile"

/**
 * On a schedule: asks payment providers about checkouts whose webhook never came (wrong secret,
 * events not enabled, endpoint down longer than the provider retries) and turns the ones that were
 * paid into orders through the inbox. Off with the plugin option `reconcile: false`.
 */
export default async function reconcilePaymentSessionsJob(
  container: MedusaContainer,
  context?: ScheduledJobContext
): Promise<ReconcileSummary> {
  const summary = await reconcilePaymentSessions(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  logJobRun(logger, config.name, context, summary, summary.reconciled > 0)
  return summary
}

/** Every minute by default; PAYMENT_WEBHOOKS_RECONCILE_SCHEDULE takes any cron expression (seconds allowed). */
export const config = {
  name: PLUGIN_JOB_NAMES.reconcile,
  schedule: process.env.PAYMENT_WEBHOOKS_RECONCILE_SCHEDULE || "* * * * *",
}
