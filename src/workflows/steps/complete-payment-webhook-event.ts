import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"

export const completePaymentWebhookEventStepId = "complete-payment-webhook-event"

/**
 * Marks the inbox row processed, with a short outcome for the audit trail. It is the last step, so
 * nothing after it can fail and there is nothing to compensate.
 */
export const completePaymentWebhookEventStep = createStep(
  completePaymentWebhookEventStepId,
  async (input: { id: string; outcome: string }, { container }) => {
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const event = await inbox.completeEvent(input.id, { status: "processed", outcome: input.outcome })
    return new StepResponse(event)
  }
)
