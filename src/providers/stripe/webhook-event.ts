import type Stripe from "stripe"
import type { PaymentWebhookDispute, PaymentWebhookRefund } from "../webhook-contract"
import { fromStripeAmount } from "./amounts"
import {
  actionForStripeEvent,
  ASYNC_PAYMENT_METHOD_EVENT_ACTIONS,
  isHandledStripeEvent,
  type ActionableWebhookAction,
  type StripeEventType,
} from "./event-actions"
import { settlesAsynchronously, statedPaymentMethodType, unstatedPaymentMethodId } from "./payment-intent-status"

/**
 * Metadata key on the refunds Medusa issues through this provider: the id of Medusa's own refund, so
 * their webhooks are matched to the refund Medusa already recorded instead of being recorded again.
 */
export const MEDUSA_REFUND_ID_METADATA_KEY = "medusa_refund_id"

/** A Stripe refund as reported to Medusa; `amount` in major units. */
export type WebhookRefund = Required<PaymentWebhookRefund>

/** A Stripe dispute as reported to Medusa; `amount` in major units. */
export type WebhookDispute = PaymentWebhookDispute & {
  status: Stripe.Dispute.Status
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
  /** Null only while `needs_resolution`: the session is then traced through the PaymentIntent. */
  session_id: string | null
  /** Null only while `needs_resolution`, for a `charge.refunded` whose refunds are not listed yet. */
  amount: number | null
  currency_code: string
  payment_intent_id: string | null
  /** `refunded` only: the refund the event is about (for `charge.refunded`, the newest). */
  refund?: WebhookRefund
  /** `refunded` only: every refund of the charge for `charge.refunded`, else just `refund`. */
  refunds?: WebhookRefund[]
  /** `refunded` only: what Stripe captured on the charge, so a refund arriving first can record it. */
  captured_amount?: number
  /**
   * `refunded` only: what the event's refunds gave back of an authorization that was never captured (a
   * canceled authorized payment, or the rest of a partial capture). Not a refund: left out of `refunds`.
   */
  released_amount?: number
  /** `disputed` only. */
  dispute?: WebhookDispute
  /**
   * Only Stripe's API can complete the event ({@link lookupsFor}); the acknowledgement never calls
   * it, processing does (`resolveStripeEvent`). Absent when the event says enough.
   */
  needs_resolution?: true
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

/**
 * What completing an event takes from Stripe's API; each null when the event itself says enough.
 */
export type StripeLookups = {
  /**
   * The PaymentIntent that names the session of a refund, dispute or charge not tagged with it, and
   * holds what was captured (`amount_received`) for a refund whose charge is not expanded.
   */
  paymentIntent: string | null
  /** The charge whose refunds the event does not embed in full. */
  chargeRefunds: string | null
  /** The payment method whose type decides what a processing intent means. */
  paymentMethod: string | null
}

/** What Stripe's API answered to an event's {@link StripeLookups}. */
export type StripeLookupResults = {
  paymentIntent?: Stripe.PaymentIntent
  chargeRefunds?: Stripe.Refund[]
  paymentMethod?: Stripe.PaymentMethod
}

const NO_LOOKUPS: StripeLookups = { paymentIntent: null, chargeRefunds: null, paymentMethod: null }

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
type ObjectDetails = Pick<
  StripeWebhookData,
  "amount" | "refund" | "refunds" | "dispute" | "captured_amount" | "released_amount"
>

/**
 * The first API version whose partial captures and cancels no longer create a Refund for the released
 * authorization (Stripe's changelog: "Partially capturing or canceling payments no longer creates a Refund").
 */
const RELEASES_WITHOUT_REFUND_SINCE = "2025-03-31"

const idOf = (value: string | { id: string } | null): string | null =>
  typeof value === "string" ? value : value?.id ?? null

/** The event's object, when it is one this plugin acts on. */
function handledObjectOf(event: Stripe.Event): EventObject | null {
  const object = event.data.object as EventObject
  return isHandledStripeEvent(event.type) && EVENT_OBJECT_KINDS.has(object.object) ? object : null
}

/**
 * The refunds a charge embeds, when the list is complete. Events of API versions since 2022-11-15 no
 * longer embed any; an empty list is not trusted either, as `charge.refunded` follows a refund.
 */
function embeddedRefundsOf(charge: Stripe.Charge): Stripe.Refund[] | null {
  const list = charge.refunds
  return list && !list.has_more && list.data.length > 0 ? list.data : null
}

/**
 * What Stripe's API must be asked before the event can be acted on (see {@link StripeLookups}). An
 * event neither tagged with a session nor pointing at a PaymentIntent asks nothing: it is not Medusa's.
 */
export function lookupsFor(event: Stripe.Event): StripeLookups {
  const object = handledObjectOf(event)
  if (!object) {
    return NO_LOOKUPS
  }
  const tagged = Boolean(object.metadata?.session_id)
  const intentId = object.object === "payment_intent" ? null : idOf(object.payment_intent)
  if (!tagged && !intentId) {
    return NO_LOOKUPS
  }
  switch (object.object) {
    case "payment_intent":
      return {
        ...NO_LOOKUPS,
        paymentMethod: event.type in ASYNC_PAYMENT_METHOD_EVENT_ACTIONS ? unstatedPaymentMethodId(object) : null,
      }
    case "dispute":
      return { ...NO_LOOKUPS, paymentIntent: tagged ? null : intentId }
    case "refund": {
      const chargeExpanded = typeof object.charge === "object" && object.charge !== null
      return { ...NO_LOOKUPS, paymentIntent: tagged && chargeExpanded ? null : intentId }
    }
    case "charge":
      return {
        ...NO_LOOKUPS,
        paymentIntent: tagged ? null : intentId,
        // What an uncaptured charge lists was all released: the charge itself says how much.
        chargeRefunds: embeddedRefundsOf(object) || !object.captured ? null : object.id,
      }
  }
}

/**
 * Maps a verified Stripe event to a Medusa action and its data, without calling Stripe. What the event
 * lacks ({@link lookupsFor}) is taken from `found`, Stripe's answers when processing resolves it; if
 * something is still missing, `data.needs_resolution` is set beside everything the event does say, and
 * a processing intent whose payment method type is unknown is tentatively `pending`. The session id is
 * the object's `metadata.session_id`, else its PaymentIntent's; an event whose session cannot be found
 * (or whose PaymentIntent, once read, has none) is not Medusa's and comes back `not_supported`.
 */
export function describeStripeEvent(event: Stripe.Event, found: StripeLookupResults = {}): StripeWebhookResult {
  const facts: WebhookEventFacts = {
    event_id: event.id,
    event_type: event.type,
    occurred_at: new Date(event.created * 1000).toISOString(),
  }
  const object = handledObjectOf(event)
  if (!object) {
    return unsupported(facts, event.data.object as LooseEventObject)
  }
  const lookups = lookupsFor(event)
  const sessionId = object.metadata?.session_id || found.paymentIntent?.metadata?.session_id || null
  // No session, and no PaymentIntent left to ask for one.
  if (!sessionId && (lookups.paymentIntent === null || found.paymentIntent)) {
    return unsupported(facts, object)
  }
  const missing = (Object.keys(lookups) as (keyof StripeLookups)[]).some((key) => lookups[key] && !found[key])
  const isIntent = object.object === "payment_intent"
  const paidAsynchronously =
    isIntent && settlesAsynchronously(statedPaymentMethodType(object) ?? found.paymentMethod?.type)
  return {
    action: actionForStripeEvent(event.type as StripeEventType, paidAsynchronously),
    data: {
      ...facts,
      session_id: sessionId,
      currency_code: object.currency.toLowerCase(),
      payment_intent_id: isIntent ? object.id : idOf(object.payment_intent),
      ...detailsOf(event, object, found),
      ...(missing && { needs_resolution: true }),
    },
  }
}

function detailsOf(event: Stripe.Event, object: EventObject, found: StripeLookupResults): ObjectDetails {
  switch (object.object) {
    case "payment_intent": {
      const field = INTENT_AMOUNT_FIELD[event.type as StripeEventType] ?? "amount"
      return { amount: fromStripeAmount(object[field], object.currency) }
    }
    case "dispute": {
      const amount = fromStripeAmount(object.amount, object.currency)
      return { amount, dispute: { id: object.id, status: object.status, amount, reason: object.reason } }
    }
    case "refund": {
      const refund = refundOf(object)
      const captured = capturedAmountOfRefund(object, found.paymentIntent)
      const capturedAmount = captured !== null && { captured_amount: captured }
      if (releasesUncapturedPayment(object, found.paymentIntent)) {
        return { amount: refund.amount, refunds: [], released_amount: refund.amount, ...capturedAmount }
      }
      return { amount: refund.amount, refund, refunds: [refund], ...capturedAmount }
    }
    case "charge": {
      const captured_amount = fromStripeAmount(object.amount_captured, object.currency)
      if (!object.captured) {
        // Nothing was captured, so whatever the charge lists as refunded was an authorization given back.
        const released_amount = fromStripeAmount(object.amount_refunded, object.currency)
        return { amount: released_amount, refunds: [], released_amount, captured_amount }
      }
      // Until processing lists them, the refunds are those the event embeds, if any.
      const listed = [...(found.chargeRefunds ?? object.refunds?.data ?? [])].sort((a, b) => b.created - a.created)
      if (listed.length === 0) {
        return { amount: null, captured_amount }
      }
      const release = partialCaptureRelease(object, listed, event.api_version)
      const released = release && { released_amount: fromStripeAmount(release.amount, release.currency) }
      const refunds = listed.filter((refund) => refund !== release)
      if (refunds.length === 0) {
        return { amount: released ? released.released_amount : null, refunds: [], captured_amount, ...released }
      }
      const refund = refundOf(refunds[0])
      return { amount: refund.amount, refund, refunds: refunds.map(refundOf), captured_amount, ...released }
    }
  }
}

/**
 * The Refund that gave back what a partial capture left of the authorization, among a captured charge's
 * refunds (newest first): before API version 2025-03-31.basil Stripe creates it with the capture, so it is
 * the oldest, of exactly the uncaptured amount. Since then no such Refund exists (null).
 */
function partialCaptureRelease(
  charge: Stripe.Charge,
  refundsNewestFirst: Stripe.Refund[],
  apiVersion: string | null
): Stripe.Refund | null {
  const uncaptured = charge.amount - charge.amount_captured
  const oldest = refundsNewestFirst[refundsNewestFirst.length - 1]
  const versionCreatesIt = !apiVersion || apiVersion.slice(0, 10) < RELEASES_WITHOUT_REFUND_SINCE
  return versionCreatesIt && uncaptured > 0 && oldest?.amount === uncaptured ? oldest : null
}

/**
 * Whether a refund event is about an authorization given back rather than money refunded: its charge (when
 * the event expands it) was never captured, or its PaymentIntent was canceled without receiving anything.
 * The release of a partial capture cannot be told from a refund by the refund alone; `charge.refunded`
 * (whose refund list shows it) does ({@link partialCaptureRelease}).
 */
function releasesUncapturedPayment(refund: Stripe.Refund, intent: Stripe.PaymentIntent | undefined): boolean {
  const charge = refund.charge
  if (typeof charge === "object" && charge) {
    return !charge.captured
  }
  return intent?.status === "canceled" && intent.amount_received === 0
}

/**
 * What Stripe captured on the refunded charge: on the charge when the event expands it, else the
 * PaymentIntent's `amount_received` (one charge per succeeded intent) once processing read it.
 */
function capturedAmountOfRefund(refund: Stripe.Refund, intent: Stripe.PaymentIntent | undefined): number | null {
  const charge = refund.charge
  if (typeof charge === "object" && charge) {
    return fromStripeAmount(charge.amount_captured, charge.currency)
  }
  return intent ? fromStripeAmount(intent.amount_received, intent.currency) : null
}

function refundOf(refund: Stripe.Refund): WebhookRefund {
  return {
    id: refund.id,
    amount: fromStripeAmount(refund.amount, refund.currency),
    status: refund.status,
    medusa_refund_id: refund.metadata?.[MEDUSA_REFUND_ID_METADATA_KEY] || null,
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
