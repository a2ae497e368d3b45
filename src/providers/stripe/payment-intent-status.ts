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
 * The type of the intent's payment method as far as the intent itself says: the expanded method's, or
 * the only type the intent allows. Undefined when only Stripe can tell, or there is no method.
 */
export function statedPaymentMethodType(intent: Stripe.PaymentIntent): string | undefined {
  const method = intent.payment_method
  if (method !== null && typeof method === "object") {
    return method.type
  }
  return intent.payment_method_types.length === 1 ? intent.payment_method_types[0] : undefined
}

/**
 * The id of the intent's payment method when only Stripe can say its type: attached by id, not
 * expanded, while the intent allows several types (automatic payment methods). Null otherwise.
 */
export function unstatedPaymentMethodId(intent: Stripe.PaymentIntent): string | null {
  const method = intent.payment_method
  return typeof method === "string" && statedPaymentMethodType(intent) === undefined ? method : null
}

/** Whether payments of this method type settle asynchronously (see {@link ASYNC_PAYMENT_METHOD_TYPES}). */
export function settlesAsynchronously(type: string | undefined): boolean {
  return type !== undefined && ASYNC_PAYMENT_METHOD_TYPES.has(type)
}

/**
 * Whether the intent is paid with a method that settles asynchronously. Asks Stripe for the payment
 * method only when the intent does not say its type ({@link unstatedPaymentMethodId}).
 */
export async function paysAsynchronously(stripe: Stripe, intent: Stripe.PaymentIntent): Promise<boolean> {
  const unstated = unstatedPaymentMethodId(intent)
  const type = unstated ? (await stripe.paymentMethods.retrieve(unstated)).type : statedPaymentMethodType(intent)
  return settlesAsynchronously(type)
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
