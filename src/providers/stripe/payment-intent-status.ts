import type { PaymentSessionStatus } from "@medusajs/framework/types"
import type Stripe from "stripe"
import { ASYNC_PAYMENT_METHOD_TYPES } from "./event-actions"

/** What each PaymentIntent status means for the Medusa payment session. */
const SESSION_STATUS_BY_INTENT_STATUS: Record<Stripe.PaymentIntent.Status, PaymentSessionStatus> = {
  requires_payment_method: "pending",
  requires_confirmation: "pending",
  requires_action: "requires_more",
  processing: "pending",
  requires_capture: "authorized",
  succeeded: "captured",
  canceled: "canceled",
}

/**
 * Whether the intent is paid with a method that settles asynchronously (see
 * {@link ASYNC_PAYMENT_METHOD_TYPES}). Asks Stripe for the payment method only when the intent allows
 * several types and the method is not expanded.
 */
export async function paysAsynchronously(stripe: Stripe, intent: Stripe.PaymentIntent): Promise<boolean> {
  const method = intent.payment_method
  let type: string | undefined
  if (method !== null && typeof method === "object") {
    type = method.type
  } else if (intent.payment_method_types.length === 1) {
    type = intent.payment_method_types[0]
  } else if (typeof method === "string") {
    type = (await stripe.paymentMethods.retrieve(method)).type
  }
  return type !== undefined && ASYNC_PAYMENT_METHOD_TYPES.has(type)
}

/**
 * The Medusa payment-session status of a PaymentIntent. A declined attempt (`requires_payment_method`
 * with `last_payment_error`) is `error`; `processing` is `pending_authorization` for asynchronous methods.
 */
export async function sessionStatusOf(
  stripe: Stripe,
  intent: Stripe.PaymentIntent
): Promise<PaymentSessionStatus> {
  if (intent.status === "requires_payment_method" && intent.last_payment_error) {
    return "error"
  }
  if (intent.status === "processing" && (await paysAsynchronously(stripe, intent))) {
    return "pending_authorization"
  }
  // A partial capture releases the rest: Medusa must record the payment as authorized and capture only
  // what Stripe received, not the whole session amount.
  if (intent.status === "succeeded" && intent.amount_received < intent.amount) {
    return "authorized"
  }
  return SESSION_STATUS_BY_INTENT_STATUS[intent.status]
}
