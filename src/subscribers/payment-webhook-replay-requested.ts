import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { PaymentWebhookEvents } from "../events"
import { replayPaymentWebhooks } from "../processing/replay"

/** Replays the rows of a bulk replay (`POST /admin/payment-webhooks/replay`) on a worker. */
export default async function paymentWebhookReplayRequestedHandler({
  event,
  container,
}: SubscriberArgs<{ ids: string[]; force?: boolean; requested_by?: string | null }>) {
  await replayPaymentWebhooks(container, event.data.ids ?? [], {
    force: event.data.force,
    requested_by: event.data.requested_by,
  })
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.REPLAY_REQUESTED,
  context: { subscriberId: "medusa-payment-webhooks-replay" },
}
