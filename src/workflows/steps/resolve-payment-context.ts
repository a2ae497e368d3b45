import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { sumAmounts } from "../utils/amounts"

export const resolvePaymentContextStepId = "resolve-payment-context"

/** Everything the workflow needs to know about the session an event is about. */
export interface PaymentContext {
  session: {
    id: string
    status: string
    amount: number
    currency_code: string
    provider_id: string
    payment_collection_id: string
  }
  payment: {
    id: string
    amount: number
    captured_amount: number
    refunded_amount: number
    captured_at: Date | null
    canceled_at: Date | null
  } | null
  cart_id: string | null
  order_id: string | null
}


type Query = { graph: (config: Record<string, unknown>) => Promise<{ data: Record<string, any>[] }> }

/** The cart a payment collection belongs to, or null (a collection of an order, not a cart). */
export async function cartOfPaymentCollection(query: Query, paymentCollectionId: string): Promise<string | null> {
  const { data } = await query.graph({
    entity: "cart_payment_collection",
    fields: ["cart_id"],
    filters: { payment_collection_id: paymentCollectionId },
  })
  return data[0]?.cart_id ?? null
}

/**
 * Reads the payment session, its payment (captured total), the cart of its payment
 * collection and that cart's order, under the purchase's lock so the plan is made on fresh state.
 * Read-only, so no compensation. Throws NOT_FOUND when the session
 * does not exist (yet): the row is retried on the backoff schedule. Without a session id (the row
 * was not claimed) there is nothing to read and it returns null.
 */
export const resolvePaymentContextStep = createStep(
  resolvePaymentContextStepId,
  async (input: { session_id: string | null }, { container }) => {
    if (!input.session_id) {
      return new StepResponse<PaymentContext | null>(null)
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY) as unknown as Query
    const { data: sessions } = await query.graph({
      entity: "payment_session",
      fields: [
        "id",
        "status",
        "amount",
        "currency_code",
        "provider_id",
        "payment_collection_id",
        "payment.id",
        "payment.amount",
        "payment.captured_at",
        "payment.canceled_at",
        "payment.captures.amount",
        "payment.refunds.amount",
      ],
      filters: { id: input.session_id },
    })
    const session = sessions[0]
    if (!session) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment session ${input.session_id} was not found`)
    }
    const cartId = await cartOfPaymentCollection(query, session.payment_collection_id)
    let orderId: string | null = null
    if (cartId) {
      const { data: orderLinks } = await query.graph({
        entity: "order_cart",
        fields: ["order_id"],
        filters: { cart_id: cartId },
      })
      orderId = orderLinks[0]?.order_id ?? null
    }
    const payment = session.payment
    const context: PaymentContext = {
      session: {
        id: session.id,
        status: session.status,
        amount: Number(session.amount),
        currency_code: session.currency_code,
        provider_id: session.provider_id,
        payment_collection_id: session.payment_collection_id,
      },
      payment: payment
        ? {
            id: payment.id,
            amount: Number(payment.amount),
            captured_amount: sumAmounts(payment.captures as { amount: unknown }[]),
            refunded_amount: sumAmounts(payment.refunds as { amount: unknown }[]),
            captured_at: payment.captured_at ? new Date(payment.captured_at as unknown as string) : null,
            canceled_at: payment.canceled_at ? new Date(payment.canceled_at as unknown as string) : null,
          }
        : null,
      cart_id: cartId,
      order_id: orderId,
    }
    return new StepResponse<PaymentContext | null>(context)
  }
)
