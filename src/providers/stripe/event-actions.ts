import type { ActionableWebhookAction, WebhookAction } from "../webhook-contract"

export type { ActionableWebhookAction, WebhookAction } from "../webhook-contract"

/** The Stripe events this plugin acts on and the action each one means. Anything else is `not_supported`. */
export const STRIPE_EVENT_ACTIONS = {
  "payment_intent.created": "pending",
  "payment_intent.processing": "pending",
  "payment_intent.requires_action": "requires_more",
  "payment_intent.partially_funded": "requires_more",
  "payment_intent.amount_capturable_updated": "authorized",
  "payment_intent.succeeded": "captured",
  "payment_intent.payment_failed": "failed",
  "payment_intent.canceled": "canceled",
  "charge.refunded": "refunded",
  "charge.refund.updated": "refunded",
  "refund.created": "refunded",
  "refund.updated": "refunded",
  "refund.failed": "refunded",
  "charge.dispute.created": "disputed",
  "charge.dispute.updated": "disputed",
  "charge.dispute.closed": "disputed",
  "charge.dispute.funds_withdrawn": "disputed",
  "charge.dispute.funds_reinstated": "disputed",
} as const satisfies Record<string, ActionableWebhookAction>

/**
 * Where a payment method that settles asynchronously (bank debits, bank redirects, vouchers) means
 * something else: the customer has done their part and the money is on its way, which is Medusa's
 * `pending_authorization` (the cart may complete, the payment follows).
 */
export const ASYNC_PAYMENT_METHOD_EVENT_ACTIONS: Partial<Record<StripeEventType, ActionableWebhookAction>> = {
  "payment_intent.processing": "pending_authorization",
}

/** Stripe `payment_method_types` whose payments wait in `processing` before they settle. */
export const ASYNC_PAYMENT_METHOD_TYPES: ReadonlySet<string> = new Set([
  "acss_debit", "au_becs_debit", "bacs_debit", "bancontact", "blik", "boleto", "customer_balance",
  "eps", "giropay", "ideal", "konbini", "multibanco", "oxxo", "p24", "pay_by_bank",
  "promptpay", "sepa_debit", "us_bank_account",
])

/** A Stripe event type this plugin acts on. */
export type StripeEventType = keyof typeof STRIPE_EVENT_ACTIONS

/** Whether the plugin acts on this Stripe event type. */
export function isHandledStripeEvent(type: string): type is StripeEventType {
  return Object.prototype.hasOwnProperty.call(STRIPE_EVENT_ACTIONS, type)
}

/** The action a Stripe event type means, given whether its payment method settles asynchronously. */
export function actionForStripeEvent(type: StripeEventType, paidAsynchronously?: boolean): ActionableWebhookAction
export function actionForStripeEvent(type: string, paidAsynchronously?: boolean): WebhookAction
export function actionForStripeEvent(type: string, paidAsynchronously = false): WebhookAction {
  if (!isHandledStripeEvent(type)) {
    return "not_supported"
  }
  return (paidAsynchronously && ASYNC_PAYMENT_METHOD_EVENT_ACTIONS[type]) || STRIPE_EVENT_ACTIONS[type]
}
