import type { MedusaContainer } from "@medusajs/framework/types"
import { prunePaymentWebhooks, type PruneSummary } from "../processing/retention"

/** Every hour: deletes `processed` and `ignored` rows older than the `retentionDays` option. */
export default async function prunePaymentWebhooksJob(container: MedusaContainer): Promise<PruneSummary> {
  return prunePaymentWebhooks(container)
}

/** Every hour by default; PAYMENT_WEBHOOKS_RETENTION_SCHEDULE takes any cron expression. */
export const config = {
  name: "prune-payment-webhooks",
  schedule: process.env.PAYMENT_WEBHOOKS_RETENTION_SCHEDULE || "17 * * * *",
}
