import type { IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { verifiedWebhookContext, type VerifiedWebhookEvent } from "../../providers/verified-webhook-event"

export const recordPaymentAuthorizationStepId = "record-payment-authorization"

/**
 * Authorizes the session through the Payment Module, which asks the provider and records the
 * payment. The provider also gets the verified event that asked for it (`verified_webhook_event` in
 * the context), for providers that cannot be asked about a payment and authorize from the webhook (and its capture, when the provider already captured). Returns the payment with its
 * captures, or null when the provider reports the payment as still on its way
 * (`pending_authorization`). With `record_capture_later` (the cart is completed next), a payment the
 * provider already captured is recorded as authorized and its capture recorded once the order exists.
 *
 * No compensation, on purpose: the webhook says the provider holds the money, so voiding it
 * because a later step failed would lose a payment a retry can still turn into an order. Money is
 * given back only when the cart can never become an order (`givePaymentBackWorkflow`).
 */
export const recordPaymentAuthorizationStep = createStep(
  recordPaymentAuthorizationStepId,
  async (input: { session_id: string; event: VerifiedWebhookEvent; record_capture_later: boolean }, { container }) => {
    const paymentModule = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const authorized = await paymentModule.authorizePaymentSession(
      input.session_id,
      verifiedWebhookContext(input.event, { recordCaptureLater: input.record_capture_later })
    )
    if (!authorized) {
      return new StepResponse<PaymentDTO | null>(null)
    }
    return new StepResponse<PaymentDTO | null>(
      await paymentModule.retrievePayment(authorized.id, { relations: ["captures"] })
    )
  }
)
