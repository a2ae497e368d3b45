import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { PaymentWebhookEvents } from "../events"
import { drainDuePaymentWebhooks } from "../processing/drain"

/**
 * When a process starts, the inbox module asks for a recovery: rows left `received` by a process
 * that died before handling them are taken at once (nothing stored before the request can still be
 * on its way), and everything else that is due is drained, without waiting for the recovery job.
 */
export default async function paymentWebhookRecoveryHandler({
  event,
  container,
}: SubscriberArgs<{ requested_at: string }>) {
  await drainDuePaymentWebhooks(container, { receivedBefore: new Date(event.data.requested_at) })
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.RECOVERY_REQUESTED,
  context: { subscriberId: "medusa-payment-webhooks-recovery" },
}
