import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"

export const claimPaymentWebhookEventStepId = "claim-payment-webhook-event"

/**
 * Takes the inbox row for processing (atomically; see `claimEvent`). Returns null when the row is
 * not claimable - finished, or held by another process - and the workflow then does nothing.
 * No compensation: a failed run is recorded on the row by `runPaymentWebhookEvent`, which owns
 * the retry schedule.
 */
export const claimPaymentWebhookEventStep = createStep(
  claimPaymentWebhookEventStepId,
  async (input: { id: string }, { container }) => {
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const event: PaymentWebhookEventDTO | null = await inbox.claimEvent(input.id)
    return new StepResponse(event)
  }
)
