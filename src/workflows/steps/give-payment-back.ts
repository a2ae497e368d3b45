import type { IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { sumAmounts } from "../utils/amounts"
import { cartOfPaymentCollection } from "./resolve-payment-context"

export const givePaymentBackStepId = "give-payment-back"

/** What `givePaymentBackStep` did, for the inbox row's outcome. */
export interface GivePaymentBackResult {
  /** Null when the cart had become an order after all and nothing was given back. */
  outcome: string | null
  payment_id: string | null
  cart_id: string | null
}

/**
 * Gives the shopper's money back for a cart that can never become an order: refunds what was
 * captured and is not refunded yet, or voids an authorization. Does nothing when the cart has an
 * order (completed elsewhere meanwhile) or there is no payment. A refund or void cannot be undone,
 * so there is no compensation; run it under the cart's lock.
 */
export const givePaymentBackStep = createStep(
  givePaymentBackStepId,
  async (input: { session_id: string }, { container }) => {
    const paymentModule = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const [session] = await paymentModule.listPaymentSessions({ id: input.session_id }, { relations: ["payment"] })
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const cartId = session ? await cartOfPaymentCollection(query as never, session.payment_collection_id) : null
    const { data: orders } = cartId
      ? await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      : { data: [] }
    if (!cartId || orders.length || !session?.payment) {
      return new StepResponse<GivePaymentBackResult>({ outcome: null, payment_id: session?.payment?.id ?? null, cart_id: cartId })
    }
    const payment: PaymentDTO = await paymentModule.retrievePayment(session.payment.id, {
      relations: ["captures", "refunds"],
    })
    const captured = sumAmounts(payment.captures)
    const refundable = MathBN.sub(captured, sumAmounts(payment.refunds))
    let outcome: string
    if (MathBN.gt(refundable, 0)) {
      await paymentModule.refundPayment({
        payment_id: payment.id,
        amount: refundable,
        note: `Cart ${cartId} could not be completed`,
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
    return new StepResponse<GivePaymentBackResult>({ outcome, payment_id: payment.id, cart_id: cartId })
  }
)
