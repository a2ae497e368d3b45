import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { PaymentWebhookEvents } from "../events"
import { processPaymentWebhookEvent } from "../processing/process-event"

/** Processes a webhook event as soon as the route has stored and acknowledged it. */
export default async function paymentWebhookReceivedHandler({ event, container }: SubscriberArgs<{ id: string }>) {
  await processPaymentWebhookEvent(container, event.data.id)
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.RECEIVED,
  context: { subscriberId: "medusa-payment-webhooks-process" },
}
