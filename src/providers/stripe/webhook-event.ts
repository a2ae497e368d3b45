import { MedusaError } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import { fromStripeAmount } from "./amounts"
import {
  actionForStripeEvent,
  ASYNC_PAYMENT_METHOD_EVENT_ACTIONS,
  isHandledStripeEvent,
  type ActionableWebhookAction,
  type StripeEventType,
} from "./event-actions"
import { paysAsynchronously } from "./payment-intent-status"

/** Metadata key (value `"true"`) on refunds Medusa issued, so their webhooks can be told from Dashboard refunds. */
export const MEDUSA_INITIATED_METADATA_KEY = "medusa_initiated"

/** A Stripe refund as reported to Medusa; `amount` in major units. */
export type WebhookRefund = {
  id: string
  amount: number
  status: string | null
  /** `true` when Medusa issued the refund through this provider (so it is already recorded). */
  medusa_initiated: boolean
}

/** A Stripe dispute as reported to Medusa; `amount` in major units. */
export type WebhookDispute = {
  id: string
  status: Stripe.Dispute.Status
  amount: number
  reason: string
}

/** What every result says about the event itself. */
export type WebhookEventFacts = {
  event_id: string
  event_type: string
  /** When Stripe created the event (ISO 8601). */
  occurred_at: string
}

/** `data` of an action Medusa should apply. Plain JSON: amounts are numbers in major units. */
export type StripeWebhookData = WebhookEventFacts & {
  session_id: string
  amount: number
  currency_code: string
  payment_intent_id: string | null
  /** `refunded` only: the refund the event is about (for `charge.refunded`, the newest). */
  refund?: WebhookRefund
  /** `refunded` only: every refund of the charge for `charge.refunded`, else just `refund`. */
  refunds?: WebhookRefund[]
  /** `refunded` only: what Stripe captured on the charge, so a refund arriving first can record it. */
  captured_amount?: number
  /** `disputed` only. */
  dispute?: WebhookDispute
}

/** `data` of an event this plugin does not act on: whatever could be read without asking Stripe. */
export type UnsupportedWebhookData = WebhookEventFacts & {
  session_id: string | null
  amount: number | null
  currency_code: string | null
  payment_intent_id: string | null
}

/** What a verified Stripe event asks Medusa to do. */
export type StripeWebhookResult =
  | { action: ActionableWebhookAction; data: StripeWebhookData }
  | { action: "not_supported"; data: UnsupportedWebhookData }

/** Which PaymentIntent field holds the amount an event is about; `amount` when not listed. */
const INTENT_AMOUNT_FIELD: Partial<Record<StripeEventType, "amount_capturable" | "amount_received">> = {
  "payment_intent.amount_capturable_updated": "amount_capturable",
  "payment_intent.succeeded": "amount_received",
}

type EventObject = Stripe.PaymentIntent | Stripe.Charge | Stripe.Refund | Stripe.Dispute

const EVENT_OBJECT_KINDS: ReadonlySet<unknown> = new Set(["payment_intent", "charge", "refund", "dispute"])

/** The fields an unknown event object may share with the ones this plugin knows. */
type LooseEventObject = {
  id?: unknown
  object?: unknown
  amount?: unknown
  currency?: unknown
  metadata?: Stripe.Metadata | null
  payment_intent?: unknown
}

/** What `data` says beyond the event, the session and the payment: the amount and the refund or dispute. */
type ObjectDetails = Pick<StripeWebhookData, "amount" | "refund" | "refunds" | "dispute" | "captured_amount">

const idOf = (value: string | { id: string } | null): string | null =>
  typeof value === "string" ? value : value?.id ?? null

/**
 * Maps a verified Stripe event to a Medusa action and its data. Reads the session id from the object's
 * `metadata.session_id` and, for charges, refunds and disputes that lack it, from their PaymentIntent; an
 * event whose session cannot be found is not Medusa's and comes back `not_supported`.
 */
export async function describeStripeEvent(stripe: Stripe, event: Stripe.Event): Promise<StripeWebhookResult> {
  const facts: WebhookEventFacts = {
    event_id: event.id,
    event_type: event.type,
    occurred_at: new Date(event.created * 1000).toISOString(),
  }
  const object = event.data.object as EventObject
  if (!isHandledStripeEvent(event.type) || !EVENT_OBJECT_KINDS.has(object.object)) {
    return unsupported(facts, object)
  }
  const isIntent = object.object === "payment_intent"
  const paymentIntentId = isIntent ? object.id : idOf(object.payment_intent)
  // Medusa tags its PaymentIntents (and the charges Stripe copies the tag to); refunds and disputes carry
  // it only when Medusa created them, so the others are traced through their PaymentIntent.
  const sessionId = object.metadata?.session_id || (isIntent ? null : await sessionOfIntent(stripe, paymentIntentId))
  if (!sessionId) {
    return unsupported(facts, object)
  }
  const paidAsynchronously =
    isIntent && event.type in ASYNC_PAYMENT_METHOD_EVENT_ACTIONS && (await paysAsynchronously(stripe, object))
  return {
    action: actionForStripeEvent(event.type, paidAsynchronously),
    data: {
      ...facts,
      session_id: sessionId,
      currency_code: object.currency.toLowerCase(),
      payment_intent_id: paymentIntentId,
      ...(await detailsOf(stripe, event.type, object)),
    },
  }
}

async function detailsOf(stripe: Stripe, type: StripeEventType, object: EventObject): Promise<ObjectDetails> {
  switch (object.object) {
    case "payment_intent":
      return { amount: fromStripeAmount(object[INTENT_AMOUNT_FIELD[type] ?? "amount"], object.currency) }
    case "dispute": {
      const amount = fromStripeAmount(object.amount, object.currency)
      return { amount, dispute: { id: object.id, status: object.status, amount, reason: object.reason } }
    }
    case "refund": {
      const refund = refundOf(object)
      const charge = typeof object.charge === "string" ? await stripe.charges.retrieve(object.charge) : object.charge
      return {
        amount: refund.amount,
        refund,
        refunds: [refund],
        ...(charge ? { captured_amount: fromStripeAmount(charge.amount_captured, charge.currency) } : {}),
      }
    }
    case "charge": {
      const refunds = (await refundsOfCharge(stripe, object)).sort((a, b) => b.created - a.created)
      if (refunds.length === 0) {
        throw new MedusaError(
          MedusaError.Types.UNEXPECTED_STATE,
          `stripe provider: ${type} for charge ${object.id} lists no refunds`
        )
      }
      const refund = refundOf(refunds[0])
      return {
        amount: refund.amount,
        refund,
        refunds: refunds.map(refundOf),
        captured_amount: fromStripeAmount(object.amount_captured, object.currency),
      }
    }
  }
}

/** Every refund of the charge. Events of API versions since 2022-11-15 no longer embed them. */
async function refundsOfCharge(stripe: Stripe, charge: Stripe.Charge): Promise<Stripe.Refund[]> {
  if (charge.refunds && !charge.refunds.has_more) {
    return [...charge.refunds.data]
  }
  return stripe.refunds.list({ charge: charge.id, limit: 100 }).autoPagingToArray({ limit: 10_000 })
}

async function sessionOfIntent(stripe: Stripe, paymentIntentId: string | null): Promise<string | null> {
  if (!paymentIntentId) {
    return null
  }
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId)
  return intent.metadata?.session_id || null
}

function refundOf(refund: Stripe.Refund): WebhookRefund {
  return {
    id: refund.id,
    amount: fromStripeAmount(refund.amount, refund.currency),
    status: refund.status,
    medusa_initiated: refund.metadata?.[MEDUSA_INITIATED_METADATA_KEY] === "true",
  }
}

function unsupported(facts: WebhookEventFacts, object: LooseEventObject): StripeWebhookResult {
  const currency = typeof object.currency === "string" ? object.currency.toLowerCase() : null
  const paymentIntentId =
    object.object === "payment_intent" && typeof object.id === "string"
      ? object.id
      : typeof object.payment_intent === "string"
        ? object.payment_intent
        : null
  return {
    action: "not_supported",
    data: {
      ...facts,
      session_id: object.metadata?.session_id || null,
      amount: typeof object.amount === "number" && currency ? fromStripeAmount(object.amount, currency) : null,
      currency_code: currency,
      payment_intent_id: paymentIntentId,
    },
  }
}
