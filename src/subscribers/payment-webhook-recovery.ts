import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { setTimeout as sleep } from "node:timers/promises"
import { PaymentWebhookEvents } from "../events"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { drainDuePaymentWebhooks } from "../processing/drain"

/** Drains after the boot: the first, then once per lease while rows of a dead worker may still be held. */
const FOLLOW_UPS = 2

/**
 * When a process starts, the inbox module asks for a recovery: rows left `received` by a process
 * that died before handling them are taken at once (nothing stored before the request can still be
 * on its way), everything else that is due is drained, and rows still `processing` under the lease
 * of a worker that died with the previous process are taken the moment that lease ends - without
 * waiting for the recovery job.
 */
export default async function paymentWebhookRecoveryHandler({
  event,
  container,
}: SubscriberArgs<{ requested_at: string }>) {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const receivedBefore = new Date(event.data.requested_at)
  await drainDuePaymentWebhooks(container, { receivedBefore })
  for (let round = 0; round < FOLLOW_UPS; round++) {
    const expiry = await inbox.nextLeaseExpiry()
    const wait = expiry ? expiry.getTime() - Date.now() : Infinity
    if (wait > inbox.options.processingLeaseMs) {
      return
    }
    await sleep(Math.max(wait, 0) + 100)
    await drainDuePaymentWebhooks(container, { receivedBefore })
  }
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.RECOVERY_REQUESTED,
  context: { subscriberId: "medusa-payment-webhooks-recovery" },
}
