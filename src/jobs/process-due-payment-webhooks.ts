import type { MedusaContainer } from "@medusajs/framework/types"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { processPaymentWebhookEvent, type ProcessOutcome } from "../webhooks/process-event"

/**
 * On a schedule: runs the rows whose retry is due, whose processing lease expired (the process died
 * mid-way) or that were stored but never processed (a crash between the answer and the subscriber).
 * Claims are atomic, so several workers running this job never process a row twice.
 */
export default async function processDuePaymentWebhooks(container: MedusaContainer): Promise<Record<ProcessOutcome, number>> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const counts: Record<ProcessOutcome, number> = { processed: 0, skipped: 0, failed: 0, dead: 0 }
  for (const id of await inbox.listDueEventIds()) {
    counts[await processPaymentWebhookEvent(container, id)] += 1
  }
  return counts
}

/** Every minute by default; PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE takes any cron expression (seconds allowed). */
export const config = {
  name: "process-due-payment-webhooks",
  schedule: process.env.PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE || "* * * * *",
}
