import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { PAYMENT_WEBHOOK_RECEIVED_EVENT } from "../webhooks/receive-webhook"
import { processPaymentWebhookEvent } from "../webhooks/process-event"

/** Processes a webhook event as soon as the route has stored and acknowledged it. */
export default async function paymentWebhookReceivedHandler({ event, container }: SubscriberArgs<{ id: string }>) {
  await processPaymentWebhookEvent(container, event.data.id)
}

export const config: SubscriberConfig = {
  event: PAYMENT_WEBHOOK_RECEIVED_EVENT,
  context: { subscriberId: "medusa-payment-webhooks-process" },
}
