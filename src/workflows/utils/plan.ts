import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"
import type { PaymentContext } from "../steps/resolve-payment-context"
import { sessionStatusForAction, type SessionStatus } from "./session-status"

/** What one event asks the workflow to do, decided from the event and the current state. */
export interface PaymentWebhookPlan {
  authorize: boolean
  /** Amount still to capture in Medusa (major units), or 0. */
  capture_amount: number
  session_status: SessionStatus | null
  complete_cart: boolean
  cart_id: string | null
  /** One line for the inbox row's `outcome`. */
  outcome: string
}

const NOTHING: PaymentWebhookPlan = {
  authorize: false,
  capture_amount: 0,
  session_status: null,
  complete_cart: false,
  cart_id: null,
  outcome: "nothing to do",
}

/**
 * Decides the work for an event, given what Medusa already has. Pure, so the rules are tested
 * without a database:
 * - authorized: authorize the session unless a payment exists;
 * - captured: authorize first when there is no payment (automatic capture), then capture the
 *   part of the provider's captured amount that Medusa has not recorded (partial captures add up,
 *   nothing is captured twice);
 * - pending / requires_more / pending_authorization / failed / canceled: move the session status
 *   (forward only, decided in the step against the live status);
 * - authorized and captured complete the cart when it has no order yet.
 */
export function decidePaymentWebhookPlan(
  event: Pick<PaymentWebhookEventDTO, "action" | "amount"> | null,
  context: PaymentContext | null
): PaymentWebhookPlan {
  if (!event || !context) {
    return { ...NOTHING, outcome: event ? "no payment session" : "not claimable" }
  }
  const movesMoney = event.action === "authorized" || event.action === "captured"
  const hasPayment = !!context.payment
  const authorize = movesMoney && !hasPayment
  let captureAmount = 0
  if (event.action === "captured") {
    const providerCaptured = event.amount ?? context.payment?.amount ?? context.session.amount
    const alreadyCaptured = context.payment?.captured_amount ?? 0
    captureAmount = hasPayment && !context.payment!.captured_at ? round(Math.max(0, providerCaptured - alreadyCaptured)) : 0
  }
  const completeCart = movesMoney && !!context.cart_id && !context.order_id
  const sessionStatus = movesMoney ? null : sessionStatusForAction(event.action)
  const parts = [
    authorize ? "authorized" : null,
    captureAmount ? `captured ${captureAmount}` : null,
    sessionStatus ? `session -> ${sessionStatus}` : null,
    completeCart ? "cart completed" : null,
  ].filter(Boolean)
  return {
    authorize,
    capture_amount: captureAmount,
    session_status: sessionStatus,
    complete_cart: completeCart,
    cart_id: context.cart_id,
    outcome: parts.length ? parts.join(", ") : "nothing to do",
  }
}

function round(amount: number): number {
  return Math.round(amount * 1e6) / 1e6
}
