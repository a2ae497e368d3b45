import type { IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { sumAmounts } from "../utils/amounts"
import { providerCaptureTarget } from "../utils/plan"

export const givePaymentBackStepId = "give-payment-back"

/** What `givePaymentBackStep` did, for the inbox row's outcome. */
export interface GivePaymentBackResult {
  /** Null when nothing was owed back: the cart got an order after all, or there is no payment. */
  outcome: string | null
  payment_id: string | null
}

/**
 * Gives the shopper's money back for a cart that can never become an order: refunds what was
 * captured and is not refunded yet (first recording a capture the provider reported and Medusa does
 * not have yet), or voids an authorization. Does nothing when the cart has an
 * order (completed elsewhere meanwhile) or the session has no payment. The payment is found by
 * its session id, deleted sessions included: when completion fails after a capture, Medusa itself
 * refunds and replaces the session. A refund or void cannot be undone, so there is no
 * compensation; run it under the cart's lock.
 */
export const givePaymentBackStep = createStep(
  givePaymentBackStepId,
  async (
    input: { session_id: string; cart_id: string; provider_captured?: { amount: number | null } | null },
    { container }
  ) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: orders } = await query.graph({
      entity: "order_cart",
      fields: ["order_id"],
      filters: { cart_id: input.cart_id },
    })
    const paymentModule = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [payment]: PaymentDTO[] = await paymentModule.listPayments(
      { payment_session_id: input.session_id } as never,
      { relations: ["captures", "refunds"], withDeleted: true }
    )
    if (orders.length || !payment) {
      return new StepResponse<GivePaymentBackResult>({ outcome: null, payment_id: payment?.id ?? null })
    }
    let captured = sumAmounts(payment.captures)
    if (input.provider_captured && !payment.canceled_at) {
      // The provider captured, and Medusa has not recorded it all (the completing run records captures
      // only after the order exists): record it, so it is refunded rather than voided.
      const target = providerCaptureTarget(input.provider_captured.amount, Number(payment.amount))
      const missing = Number(MathBN.sub(target, captured))
      if (missing > 0) {
        await paymentModule.capturePayment({ payment_id: payment.id, amount: missing })
        captured = target
      }
    }
    const refundable = MathBN.sub(captured, sumAmounts(payment.refunds))
    let outcome: string
    if (MathBN.gt(refundable, 0)) {
      await paymentModule.refundPayment({
        payment_id: payment.id,
        amount: refundable,
        note: `Cart ${input.cart_id} could not be completed`,
      })
      outcome = `compensated: refunded ${refundable.toString()} because the cart could not be completed`
    } else if (captured > 0) {
      outcome = `compensated: captured ${captured} already refunded because the cart could not be completed`
    } else if (payment.canceled_at) {
      outcome = "compensated: authorization already voided because the cart could not be completed"
    } else {
      await paymentModule.cancelPayment(payment.id)
      outcome = "compensated: authorization voided because the cart could not be completed"
    }
    return new StepResponse<GivePaymentBackResult>({ outcome, payment_id: payment.id })
  }
)
