import { sumAmounts } from "./amounts"
import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"
import type { PaymentContext } from "../steps/resolve-payment-context"
import type { ProviderRefund } from "../steps/record-provider-refunds"
import type { StoredDispute } from "./disputes"
import { sessionStatusForAction, type SessionStatus } from "./session-status"

/** What one event asks the workflow to do, decided from the event and the current state. */
export interface PaymentWebhookPlan {
  authorize: boolean
  /**
   * What the provider has captured in total (major units), when the event says and Medusa may not
   * have recorded it all; `remainingToCapture` turns it into the capture to make. Null: no capture.
   */
  capture_target: number | null
  session_status: SessionStatus | null
  complete_cart: boolean
  cart_id: string | null
  order_id: string | null
  payment_id: string | null
  currency_code: string | null
  refunds: ProviderRefund[]
  dispute: StoredDispute | null
  /** One line for the inbox row's `outcome` (the capture actually made is added by the workflow). */
  outcome: string
}

/** The outcome of an event that asked for nothing Medusa did not already have. */
export const NOTHING_TO_DO = "nothing to do"

const NOTHING: PaymentWebhookPlan = {
  authorize: false,
  capture_target: null,
  session_status: null,
  complete_cart: false,
  cart_id: null,
  order_id: null,
  payment_id: null,
  currency_code: null,
  refunds: [],
  dispute: null,
  outcome: NOTHING_TO_DO,
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
 *   nothing is captured twice, never more than the provider captured);
 * - refunded: make sure what the provider captured is recorded, then record its refunds; an
 *   authorization given back (`released_amount`: a cancel, the rest of a partial capture) is no refund
 *   and is only named in the outcome, and needs no Medusa payment when it is all the event reports;
 * - disputed: store the dispute on the payment;
 * - pending / requires_more / pending_authorization / failed / canceled: move the session status
 *   (forward only, decided in the step against the live status);
 * - authorized and captured complete the cart when it has no order yet;
 * - authorized or captured for a canceled session: nothing, superseded. A canceled PaymentIntent
 *   never pays again; such an event was created before the cancellation and arrived after it.
 * - authorized or captured for a payment that was voided or refunded in full (e.g. given back because
 *   its cart could not become an order): nothing, superseded - completing the cart now would make an
 *   order nobody paid for.
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
  const refunds = event.action === "refunded" ? refundsOf(data) : []
  const released = event.action === "refunded" ? releasedOf(data) : null
  if (afterPayment && !payment) {
    if (released && refunds.length === 0) {
      return { ...NOTHING, outcome: released }
    }
    throw new PaymentNotRecordedYetError(event.action)
  }

  if (movesMoney && context.session.status === "canceled") {
    return { ...NOTHING, outcome: `superseded: session already canceled, ${event.action} not applied` }
  }
  if (movesMoney && payment && wasGivenBack(payment)) {
    return { ...NOTHING, outcome: `superseded: the payment was given back (voided or refunded in full), ${event.action} not applied` }
  }

  const authorize = movesMoney && !payment
  const settled = !!payment && (!!payment.captured_at || !!payment.canceled_at)
  const cap = payment?.amount ?? context.session.amount
  let captureTarget: number | null = null
  if (!settled && event.action === "captured") {
    captureTarget = providerCaptureTarget(event.amount, cap)
  } else if (!settled && event.action === "refunded" && typeof data.captured_amount === "number") {
    captureTarget = Math.min(data.captured_amount, cap)
  }
  const dispute = event.action === "disputed" ? disputeOf(data, event.occurred_at) : null
  const completeCart = movesMoney && !!context.cart_id && !context.order_id
  const sessionStatus = movesMoney || afterPayment ? null : sessionStatusForAction(event.action)
  const parts = [
    authorize ? "authorized" : null,
    refunds.length ? `refunds ${refunds.map((refund) => refund.id).join(" ")}` : null,
    released,
    dispute ? `dispute ${dispute.id} ${dispute.status}` : null,
    sessionStatus ? `session -> ${sessionStatus}` : null,
    completeCart ? "cart completed" : null,
  ].filter(Boolean)
  return {
    authorize,
    capture_target: captureTarget,
    session_status: sessionStatus,
    complete_cart: completeCart,
    cart_id: context.cart_id,
    order_id: context.order_id,
    payment_id: payment?.id ?? null,
    currency_code: context.session.currency_code,
    refunds,
    dispute,
    outcome: parts.length ? parts.join(", ") : NOTHING_TO_DO,
  }
}

/**
 * What a `captured` event says the provider captured in total (major units): the event's amount, or the
 * whole payment when it names none, never more than the payment.
 */
export function providerCaptureTarget(eventAmount: number | null | undefined, paymentAmount: number): number {
  return Math.min(eventAmount ?? paymentAmount, paymentAmount)
}

function wasGivenBack(payment: NonNullable<PaymentContext["payment"]>): boolean {
  return !!payment.canceled_at || (payment.captured_amount > 0 && payment.refunded_amount >= payment.captured_amount)
}

/** The outcome part for an authorization given back (`released_amount`), or null when the event reports none. */
function releasedOf(data: Record<string, unknown>): string | null {
  const released = Number(data.released_amount)
  return released > 0 ? `released ${released} never captured (not a refund, none recorded)` : null
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

/** What the capture decision needs to know about a payment. */
export interface CapturedFacts {
  captured_amount: number
  captured_at: Date | string | null
  canceled_at: Date | string | null
}

/**
 * The capture to make now: the provider's captured total minus what Medusa already recorded on the
 * payment (read under the lock, or as authorization just left it), never negative, nothing for a
 * payment that is fully captured or canceled.
 */
export function remainingToCapture(target: number | null, payment: CapturedFacts | null): number {
  if (target === null || !payment || payment.captured_at || payment.canceled_at) {
    return 0
  }
  return round(Math.max(0, target - payment.captured_amount))
}

/** `CapturedFacts` of a payment as the Payment Module returns it (with its captures). */
export function paymentFacts(
  payment: { captures?: { amount: unknown }[] | null; captured_at?: Date | string | null; canceled_at?: Date | string | null } | null | undefined
): CapturedFacts | null {
  if (!payment) {
    return null
  }
  return {
    captured_amount: sumAmounts(payment.captures),
    captured_at: payment.captured_at ?? null,
    canceled_at: payment.canceled_at ?? null,
  }
}

function round(amount: number): number {
  return Math.round(amount * 1e6) / 1e6
}
