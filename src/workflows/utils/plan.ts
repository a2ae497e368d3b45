import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"
import type { PaymentContext } from "../steps/resolve-payment-context"
import type { ProviderRefund } from "../steps/record-provider-refunds"
import type { StoredDispute } from "./disputes"
import { sessionStatusForAction, type SessionStatus } from "./session-status"

/** What one event asks the workflow to do, decided from the event and the current state. */
export interface PaymentWebhookPlan {
  authorize: boolean
  /** Amount still to capture in Medusa (major units), or 0. */
  capture_amount: number
  session_status: SessionStatus | null
  complete_cart: boolean
  cart_id: string | null
  order_id: string | null
  payment_id: string | null
  currency_code: string | null
  refunds: ProviderRefund[]
  dispute: StoredDispute | null
  /** One line for the inbox row's `outcome`. */
  outcome: string
}

const NOTHING: PaymentWebhookPlan = {
  authorize: false,
  capture_amount: 0,
  session_status: null,
  complete_cart: false,
  cart_id: null,
  order_id: null,
  payment_id: null,
  currency_code: null,
  refunds: [],
  dispute: null,
  outcome: "nothing to do",
}

/** A refund or dispute event that arrived before Medusa has the payment it belongs to. */
export class PaymentNotRecordedYetError extends Error {
  constructor(action: string) {
    super(`The payment is not recorded in Medusa yet; the ${action} event will be retried`)
    this.name = "PaymentNotRecordedYetError"
  }
}

type EventFacts = Pick<PaymentWebhookEventDTO, "action" | "amount" | "payload" | "occurred_at">

/**
 * Decides the work for an event, given what Medusa already has. Pure, so the rules are tested
 * without a database:
 * - authorized: authorize the session unless a payment exists;
 * - captured: authorize first when there is no payment (automatic capture), then capture the
 *   part of the provider's captured amount Medusa has not recorded (partial captures add up,
 *   nothing is captured twice);
 * - refunded: make sure the capture is recorded, then record the provider's refunds;
 * - disputed: store the dispute on the payment;
 * - pending / requires_more / pending_authorization / failed / canceled: move the session status
 *   (forward only, decided in the step against the live status);
 * - authorized and captured complete the cart when it has no order yet;
 * - authorized or captured for a canceled session: nothing, superseded. A canceled PaymentIntent
 *   never pays again; such an event was created before the cancellation and arrived after it.
 * Refunds and disputes for a payment Medusa does not have yet throw `PaymentNotRecordedYetError`.
 */
export function decidePaymentWebhookPlan(event: EventFacts | null, context: PaymentContext | null): PaymentWebhookPlan {
  if (!event || !context) {
    return { ...NOTHING, outcome: event ? "no payment session" : "not claimable" }
  }
  const data = ((event.payload as { data?: Record<string, unknown> } | null)?.data ?? {}) as Record<string, unknown>
  const payment = context.payment
  const movesMoney = event.action === "authorized" || event.action === "captured"
  const afterPayment = event.action === "refunded" || event.action === "disputed"
  if (afterPayment && !payment) {
    throw new PaymentNotRecordedYetError(event.action)
  }

  if (movesMoney && context.session.status === "canceled") {
    return { ...NOTHING, outcome: `superseded: session already canceled, ${event.action} not applied` }
  }

  const authorize = movesMoney && !payment
  let captureAmount = 0
  if (payment && !payment.captured_at && !payment.canceled_at) {
    if (event.action === "captured") {
      const providerCaptured = event.amount ?? payment.amount
      captureAmount = round(Math.max(0, Math.min(providerCaptured, payment.amount) - payment.captured_amount))
    } else if (event.action === "refunded") {
      captureAmount = round(payment.amount - payment.captured_amount)
    }
  }
  const refunds = event.action === "refunded" ? refundsOf(data) : []
  const dispute = event.action === "disputed" ? disputeOf(data, event.occurred_at) : null
  const completeCart = movesMoney && !!context.cart_id && !context.order_id
  const sessionStatus = movesMoney || afterPayment ? null : sessionStatusForAction(event.action)
  const parts = [
    authorize ? "authorized" : null,
    captureAmount ? `captured ${captureAmount}` : null,
    refunds.length ? `refunds ${refunds.map((refund) => refund.id).join(" ")}` : null,
    dispute ? `dispute ${dispute.id} ${dispute.status}` : null,
    sessionStatus ? `session -> ${sessionStatus}` : null,
    completeCart ? "cart completed" : null,
  ].filter(Boolean)
  return {
    authorize,
    capture_amount: captureAmount,
    session_status: sessionStatus,
    complete_cart: completeCart,
    cart_id: context.cart_id,
    order_id: context.order_id,
    payment_id: payment?.id ?? null,
    currency_code: context.session.currency_code,
    refunds,
    dispute,
    outcome: parts.length ? parts.join(", ") : "nothing to do",
  }
}

function refundsOf(data: Record<string, unknown>): ProviderRefund[] {
  const list = Array.isArray(data.refunds) ? data.refunds : data.refund ? [data.refund] : []
  const byId = new Map<string, ProviderRefund>()
  for (const refund of list as ProviderRefund[]) {
    if (refund && typeof refund.id === "string" && Number(refund.amount) > 0) {
      byId.set(refund.id, { ...refund, amount: Number(refund.amount) })
    }
  }
  return [...byId.values()]
}

function disputeOf(data: Record<string, unknown>, occurredAt: Date | string | null): StoredDispute | null {
  const dispute = data.dispute as Partial<StoredDispute> | undefined
  if (!dispute?.id || !dispute.status) {
    return null
  }
  return {
    id: dispute.id,
    status: dispute.status,
    amount: Number(dispute.amount ?? 0),
    reason: dispute.reason ?? null,
    occurred_at: occurredAt ? new Date(occurredAt).toISOString() : null,
  }
}

function round(amount: number): number {
  return Math.round(amount * 1e6) / 1e6
}
