import type Stripe from "stripe"
import { invalidRequest, resourceMissing, StripeApiError, unexpectedState } from "./errors"
import { buildStripeEvent } from "./events"
import type { FormObject } from "./form"
import {
  authorizedOutcome,
  declinedOutcome,
  newBalanceTransaction,
  newCharge,
  newCustomer,
  newDispute,
  newPaymentIntent,
  newRefund,
  unixNow,
} from "./objects"
import {
  applyMetadata,
  assertKnownParams,
  optionalAmount,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringArray,
  requiredAmount,
  requiredCurrency,
  requiredString,
} from "./params"
import { minimumAmountError } from "./minimum-amounts"
import {
  ASYNC_PAYMENT_METHOD_TYPES,
  knownType,
  NO_MANUAL_CAPTURE_TYPES,
  PAYMENT_METHOD_CURRENCIES,
  PaymentMethodRegistry,
  REDIRECT_PAYMENT_METHOD_TYPES,
} from "./payment-methods"

/** The `request` of an event: the API request that caused it, or null ids for dashboard and automatic changes. */
export type EventOrigin = Stripe.Event.Request

/** The origin of changes made outside the API (the simulator's dashboard actions). */
export const DASHBOARD: EventOrigin = { id: null, idempotency_key: null }

/** Where the state sends the events it creates. */
export interface EventSink {
  /** How many endpoints will be sent the event (its `pending_webhooks`). */
  endpointCount(): number
  /** Called once per event, after it is stored. */
  publish(event: Stripe.Event): void
  /** The URL of the page a redirect payment of this intent sends the customer to. */
  redirectUrl(paymentIntentId: string): string
}

/** A Stripe list response. */
export type ListResponse<T> = { object: "list"; data: T[]; has_more: boolean; url: string }

/** The resources `retrieve` serves, by their name in Stripe's error messages. */
export type ResourceName =
  | "payment_intent"
  | "charge"
  | "refund"
  | "dispute"
  | "customer"
  | "event"
  | "payment_method"
  | "balance_transaction"

const CAPTURE_METHODS: readonly Stripe.PaymentIntent.CaptureMethod[] = ["automatic", "automatic_async", "manual"]
const SETUP_FUTURE_USAGES: readonly Stripe.PaymentIntent.SetupFutureUsage[] = ["off_session", "on_session"]
const CANCELLATION_REASONS: readonly Stripe.PaymentIntent.CancellationReason[] = [
  "abandoned",
  "duplicate",
  "fraudulent",
  "requested_by_customer",
]
const REFUND_REASONS: readonly Stripe.Refund.Reason[] = ["duplicate", "fraudulent", "requested_by_customer"]
const DISPUTE_STATUSES: readonly Stripe.Dispute.Status[] = [
  "warning_needs_response",
  "warning_under_review",
  "warning_closed",
  "needs_response",
  "under_review",
  "won",
  "lost",
]
const CLOSED_DISPUTE_STATUSES: readonly Stripe.Dispute.Status[] = ["won", "lost", "warning_closed"]

const CONFIRMABLE: readonly Stripe.PaymentIntent.Status[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
]
const CANCELABLE: readonly Stripe.PaymentIntent.Status[] = [...CONFIRMABLE, "requires_capture"]
/** Fields Stripe lets you change whatever the intent's status (short of canceled). */
const ALWAYS_UPDATABLE = ["metadata", "description", "receipt_email", "shipping", "expand"]

/** Parameters Stripe accepts but the simulator does not model; they are accepted and ignored. */
const PAYMENT_INTENT_IGNORED = [
  "application_fee_amount",
  "confirmation_method",
  "confirmation_token",
  "error_on_requires_action",
  "mandate",
  "mandate_data",
  "off_session",
  "on_behalf_of",
  "payment_method_configuration",
  "payment_method_options",
  "radar_options",
  "shipping",
  "transfer_data",
  "transfer_group",
  "use_stripe_sdk",
]
const PAYMENT_INTENT_CREATE_PARAMS = [
  ...PAYMENT_INTENT_IGNORED,
  "return_url",
  "amount",
  "automatic_payment_methods",
  "capture_method",
  "confirm",
  "currency",
  "customer",
  "description",
  "expand",
  "metadata",
  "payment_method",
  "payment_method_data",
  "payment_method_types",
  "receipt_email",
  "setup_future_usage",
  "statement_descriptor",
  "statement_descriptor_suffix",
]
const PAYMENT_INTENT_UPDATE_PARAMS = PAYMENT_INTENT_CREATE_PARAMS.filter(
  (name) => !["confirm", "automatic_payment_methods", "return_url", "confirmation_method"].includes(name)
)
const ALLOW_REDIRECTS: readonly Stripe.PaymentIntent.AutomaticPaymentMethods.AllowRedirects[] = ["always", "never"]
const PAYMENT_INTENT_CONFIRM_PARAMS = [
  ...PAYMENT_INTENT_IGNORED,
  "return_url",
  "capture_method",
  "expand",
  "payment_method",
  "payment_method_data",
  "receipt_email",
  "setup_future_usage",
]
const PAYMENT_INTENT_CAPTURE_PARAMS = [
  "amount_to_capture",
  "application_fee_amount",
  "expand",
  "final_capture",
  "metadata",
  "statement_descriptor",
  "statement_descriptor_suffix",
  "transfer_data",
]
const REFUND_CREATE_PARAMS = [
  "amount",
  "charge",
  "expand",
  "instructions_email",
  "metadata",
  "origin",
  "payment_intent",
  "reason",
  "refund_application_fee",
  "reverse_transfer",
]
const CUSTOMER_PARAMS = [
  "address",
  "description",
  "email",
  "expand",
  "invoice_settings",
  "metadata",
  "name",
  "payment_method",
  "phone",
  "preferred_locales",
  "shipping",
  "tax_exempt",
]
const LIST_PARAMS = ["ending_before", "expand", "limit", "starting_after"]

/**
 * The simulated Stripe account: its objects and the transitions between them. Every operation is synchronous, so
 * one request's change and its events happen as one step; every change records events through the `EventSink`.
 */
export class StripeState {
  readonly events: Stripe.Event[] = []
  private readonly eventsById = new Map<string, Stripe.Event>()
  private readonly paymentIntents = new Map<string, Stripe.PaymentIntent>()
  private readonly charges = new Map<string, Stripe.Charge>()
  private readonly refunds = new Map<string, Stripe.Refund>()
  private readonly disputes = new Map<string, Stripe.Dispute>()
  private readonly customers = new Map<string, Stripe.Customer | Stripe.DeletedCustomer>()
  private readonly paymentMethods = new PaymentMethodRegistry()
  private readonly captureCounts = new Map<string, number>()
  private readonly balanceTransactions = new Map<string, Stripe.BalanceTransaction>()

  /** `sink` is told about every event. */
  constructor(private readonly sink: EventSink) {}

  /** Records an event for `object` (a snapshot is taken) and hands it to the sink. */
  emit(type: string, object: object, origin: EventOrigin, previousAttributes?: object): Stripe.Event {
    const event = buildStripeEvent(type, structuredClone(object), {
      request: origin,
      pending_webhooks: this.sink.endpointCount(),
    })
    if (previousAttributes) {
      Object.assign(event.data, { previous_attributes: previousAttributes })
    }
    this.events.push(event)
    this.eventsById.set(event.id, event)
    this.sink.publish(event)
    return event
  }

  /** The stored object, or a 404 like Stripe's. */
  retrieve(resource: ResourceName, id: string): object {
    const found = this.lookup(resource, id)
    if (!found) {
      throw resourceMissing(resource, id, "id")
    }
    return found
  }

  /** A copy of the stored payment intent, or undefined. */
  findPaymentIntent(id: string): Stripe.PaymentIntent | undefined {
    const intent = this.paymentIntents.get(id)
    return intent && structuredClone(intent)
  }

  /** How many capture calls took effect on this payment intent. */
  effectiveCaptures(paymentIntentId: string): number {
    return this.captureCounts.get(paymentIntentId) ?? 0
  }

  /**
   * A deep copy of `object` with each `expand` path (`latest_charge`, `data.charge`, `latest_charge.customer`)
   * replaced by the object it names; `refunds` on a charge becomes its refund list.
   */
  render(object: object, expand: string[]): object {
    const copy = structuredClone(object)
    for (const path of expand) {
      this.expandPath(copy as Record<string, unknown>, path.split("."), path)
    }
    return copy
  }

  /** `POST /v1/payment_intents`. */
  createPaymentIntent(params: FormObject, origin: EventOrigin): Stripe.PaymentIntent {
    assertKnownParams(params, PAYMENT_INTENT_CREATE_PARAMS)
    const types = this.paymentMethodTypesParam(params)
    const automatic = optionalObject(params, "automatic_payment_methods")
    const automaticEnabled = automatic ? optionalBoolean(automatic, "enabled") : undefined
    const allowRedirects = (automatic && optionalEnum(automatic, "allow_redirects", ALLOW_REDIRECTS)) ?? "always"
    if (types && automaticEnabled) {
      throw invalidRequest(
        "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
        { param: "automatic_payment_methods" }
      )
    }
    // Since API version 2023-08-16 Stripe enables automatic payment methods unless types are given.
    const usesAutomatic = automaticEnabled ?? !types
    const confirm = optionalBoolean(params, "confirm") ?? false
    const returnUrl = optionalString(params, "return_url")
    if (confirm && usesAutomatic && allowRedirects === "always" && !returnUrl) {
      throw invalidRequest(
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of " +
          "these payment methods might redirect your customer off of your page, you must provide a `return_url`. " +
          "If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to " +
          "`true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and " +
          "Payment Intents.",
        { param: "return_url" }
      )
    }
    const intent = newPaymentIntent({
      amount: requiredAmount(params, "amount"),
      currency: requiredCurrency(params, "currency"),
      capture_method: optionalEnum(params, "capture_method", CAPTURE_METHODS) ?? "automatic_async",
      payment_method_types: types ?? ["card"],
      automatic_payment_methods: usesAutomatic ? { enabled: true, allow_redirects: allowRedirects } : null,
      customer: this.customerParam(params),
      description: optionalString(params, "description") ?? null,
      metadata: applyMetadata({}, params),
      receipt_email: optionalString(params, "receipt_email") ?? null,
      setup_future_usage: optionalEnum(params, "setup_future_usage", SETUP_FUTURE_USAGES) ?? null,
      statement_descriptor: optionalString(params, "statement_descriptor") ?? null,
      statement_descriptor_suffix: optionalString(params, "statement_descriptor_suffix") ?? null,
    })
    this.assertSupportedByTypes(intent)
    const paymentMethod = this.paymentMethodParam(params)
    if (paymentMethod) {
      this.assertAccepts(intent, paymentMethod)
      intent.payment_method = paymentMethod.id
      intent.status = "requires_confirmation"
    }
    this.paymentIntents.set(intent.id, intent)
    this.emit("payment_intent.created", intent, origin)
    if (confirm) {
      this.pay(intent, this.requirePaymentMethod(intent), origin, returnUrl)
    }
    return intent
  }

  /**
   * `POST /v1/payment_intents/:id`. Metadata, description and receipt email can change in any status but
   * canceled; everything else only before the payment is attempted, as on Stripe.
   */
  updatePaymentIntent(id: string, params: FormObject): Stripe.PaymentIntent {
    assertKnownParams(params, PAYMENT_INTENT_UPDATE_PARAMS)
    const intent = this.paymentIntent(id)
    const restricted = Object.keys(params).find((name) => !ALWAYS_UPDATABLE.includes(name))
    if (intent.status === "canceled" || (restricted && !CONFIRMABLE.includes(intent.status))) {
      const field = restricted ?? "metadata"
      throw unexpectedState(
        `This PaymentIntent's ${field} could not be updated because it has a status of ${intent.status}. ` +
          `You may only update the ${field} of a PaymentIntent with one of the following statuses: ` +
          `${CONFIRMABLE.join(", ")}.`,
        intent
      )
    }
    // Everything is checked on a copy first: a rejected update changes nothing, as on Stripe.
    const updated: Stripe.PaymentIntent = {
      ...intent,
      amount: optionalAmount(params, "amount") ?? intent.amount,
      currency: params.currency === undefined ? intent.currency : requiredCurrency(params, "currency"),
      capture_method: optionalEnum(params, "capture_method", CAPTURE_METHODS) ?? intent.capture_method,
      customer: params.customer === undefined ? intent.customer : this.customerParam(params),
      description: optionalString(params, "description") ?? intent.description,
      metadata: applyMetadata(intent.metadata, params),
      payment_method_types: this.paymentMethodTypesParam(params) ?? intent.payment_method_types,
      receipt_email: optionalString(params, "receipt_email") ?? intent.receipt_email,
      setup_future_usage: optionalEnum(params, "setup_future_usage", SETUP_FUTURE_USAGES) ?? intent.setup_future_usage,
      statement_descriptor: optionalString(params, "statement_descriptor") ?? intent.statement_descriptor,
      statement_descriptor_suffix:
        optionalString(params, "statement_descriptor_suffix") ?? intent.statement_descriptor_suffix,
    }
    this.assertSupportedByTypes(updated)
    const paymentMethod = this.paymentMethodParam(params)
    if (paymentMethod) {
      this.assertAccepts(updated, paymentMethod)
      updated.payment_method = paymentMethod.id
      updated.status = "requires_confirmation"
    }
    return Object.assign(intent, updated)
  }

  /**
   * `POST /v1/payment_intents/:id/confirm`: pays with `payment_method` (or `payment_method_data`), else the one
   * already set, else - for an intent whose first type is asynchronous - a new payment method of that type.
   */
  confirmPaymentIntent(id: string, params: FormObject, origin: EventOrigin): Stripe.PaymentIntent {
    assertKnownParams(params, PAYMENT_INTENT_CONFIRM_PARAMS)
    const intent = this.paymentIntent(id)
    if (!CONFIRMABLE.includes(intent.status)) {
      throw unexpectedState(
        `This PaymentIntent's status is ${intent.status}, but must be one of ${CONFIRMABLE.join(", ")} to confirm.`,
        intent
      )
    }
    intent.capture_method = optionalEnum(params, "capture_method", CAPTURE_METHODS) ?? intent.capture_method
    intent.receipt_email = optionalString(params, "receipt_email") ?? intent.receipt_email
    intent.setup_future_usage =
      optionalEnum(params, "setup_future_usage", SETUP_FUTURE_USAGES) ?? intent.setup_future_usage
    const paymentMethod = this.paymentMethodParam(params) ?? this.requirePaymentMethod(intent)
    this.pay(intent, paymentMethod, origin, optionalString(params, "return_url"))
    return intent
  }

  /**
   * `POST /v1/payment_intents/:id/capture`: captures `amount_to_capture` (default: all) of an authorized intent.
   * Stripe allows one capture; the uncaptured remainder is released.
   */
  capturePaymentIntent(id: string, params: FormObject, origin: EventOrigin): Stripe.PaymentIntent {
    assertKnownParams(params, PAYMENT_INTENT_CAPTURE_PARAMS)
    const intent = this.paymentIntent(id)
    if (intent.status !== "requires_capture") {
      throw unexpectedState(
        `This PaymentIntent could not be captured because it has a status of ${intent.status}. ` +
          "Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
        intent
      )
    }
    const amount = optionalAmount(params, "amount_to_capture") ?? intent.amount_capturable
    if (amount > intent.amount_capturable) {
      throw invalidRequest(
        `The amount_to_capture (${amount}) must be less than or equal to the amount_capturable ` +
          `(${intent.amount_capturable}).`,
        { code: "amount_too_large", param: "amount_to_capture" }
      )
    }
    intent.metadata = applyMetadata(intent.metadata, params)
    const charge = this.latestCharge(intent)
    charge.captured = true
    charge.amount_captured = amount
    // Before API version 2025-03-31.basil the charge's balance transaction books what was authorized,
    // and the release books the rest back (a second balance transaction).
    charge.balance_transaction = this.recordBalance(charge.amount, charge.currency, "charge", charge.id)
    intent.amount_received = amount
    intent.amount_capturable = 0
    intent.status = "succeeded"
    this.captureCounts.set(intent.id, this.effectiveCaptures(intent.id) + 1)
    this.emit("charge.captured", charge, origin)
    this.emit("payment_intent.succeeded", intent, origin)
    if (amount < charge.amount) {
      this.releaseAuthorization(charge, charge.amount - amount, origin)
    }
    this.disputeIfTestCardSaysSo(intent)
    return intent
  }

  /** `POST /v1/payment_intents/:id/cancel`; Stripe refuses once the intent is processing, succeeded or canceled. */
  cancelPaymentIntent(id: string, params: FormObject, origin: EventOrigin): Stripe.PaymentIntent {
    assertKnownParams(params, ["cancellation_reason", "expand"])
    const intent = this.paymentIntent(id)
    const reason = optionalEnum(params, "cancellation_reason", CANCELLATION_REASONS) ?? null
    if (!CANCELABLE.includes(intent.status)) {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent ` +
          `with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
        intent
      )
    }
    const authorized = intent.status === "requires_capture"
    intent.status = "canceled"
    intent.canceled_at = unixNow()
    intent.cancellation_reason = reason
    intent.amount_capturable = 0
    intent.next_action = null
    this.emit("payment_intent.canceled", intent, origin)
    if (authorized) {
      const charge = this.latestCharge(intent)
      this.releaseAuthorization(charge, charge.amount, origin)
    }
    return intent
  }

  /**
   * Settles what the customer does outside the API: a `processing` intent's payment clears (`succeed`) or bounces
   * (`fail`); a `requires_action` intent's authentication completes or fails.
   */
  settlePending(id: string, result: "succeed" | "fail", origin: EventOrigin): Stripe.PaymentIntent {
    const intent = this.paymentIntent(id)
    if (intent.status === "processing") {
      const charge = this.latestCharge(intent)
      if (result === "succeed") {
        this.authorize(intent, charge, origin)
      } else {
        this.failAsyncPayment(intent, charge, origin)
      }
      return intent
    }
    if (intent.status === "requires_action") {
      const paymentMethod = this.requirePaymentMethod(intent)
      intent.next_action = null
      if (result === "succeed") {
        const charge = this.storeCharge(newCharge(intent, paymentMethod, "pending"), intent)
        this.authorize(intent, charge, origin)
      } else {
        this.failAuthentication(intent, paymentMethod, origin)
      }
      return intent
    }
    throw unexpectedState(
      `PaymentIntent ${id} has a status of ${intent.status}; only processing or requires_action intents are pending.`,
      intent
    )
  }

  /** `POST /v1/refunds`: refunds `amount` (default: what remains) of a succeeded payment. */
  createRefund(params: FormObject, origin: EventOrigin): Stripe.Refund {
    assertKnownParams(params, REFUND_CREATE_PARAMS)
    const charge = this.refundableCharge(params)
    // As on Stripe, amount_refunded includes what a partial capture released, so what remains is amount - refunded.
    const remaining = charge.amount - charge.amount_refunded
    if (remaining === 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" })
    }
    const amount = optionalAmount(params, "amount") ?? remaining
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge ` +
          `(${remaining} ${charge.currency})`,
        { code: "amount_too_large", param: "amount" }
      )
    }
    const refund = newRefund({
      amount,
      charge: charge.id,
      payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
      currency: charge.currency,
      metadata: applyMetadata({}, params),
      reason: optionalEnum(params, "reason", REFUND_REASONS) ?? null,
    })
    this.refunds.set(refund.id, refund)
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded === charge.amount
    this.emit("charge.refunded", { ...charge, refunds: this.chargeRefunds(charge.id) }, origin)
    this.emit("refund.created", refund, origin)
    refund.balance_transaction = this.recordBalance(-amount, refund.currency, "refund", refund.id)
    this.emit("refund.updated", refund, origin, { balance_transaction: null })
    return refund
  }

  /**
   * Gives back `amount` of an authorization that will never be captured (a cancel, or what a partial capture
   * left), as Stripe does before API version 2025-03-31.basil: a succeeded Refund (no reason, no metadata)
   * on the charge, counted in `amount_refunded`, and a `charge.refunded` event. On a captured charge the
   * refund books the released part back (a balance transaction); on an uncaptured one nothing moved, so it
   * has none. Stripe sends no `refund.*` event for it.
   */
  private releaseAuthorization(charge: Stripe.Charge, amount: number, origin: EventOrigin): void {
    const refund = newRefund({
      amount,
      charge: charge.id,
      payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
      currency: charge.currency,
      metadata: {},
      reason: null,
    })
    if (charge.captured) {
      refund.balance_transaction = this.recordBalance(-amount, refund.currency, "refund", refund.id)
    }
    this.refunds.set(refund.id, refund)
    charge.amount_refunded += amount
    charge.refunded = charge.amount_refunded === charge.amount
    this.emit("charge.refunded", { ...charge, refunds: this.chargeRefunds(charge.id) }, origin)
  }

  /** `GET /v1/refunds`, newest first, optionally for one `charge` or `payment_intent`. */
  listRefunds(params: FormObject): ListResponse<Stripe.Refund> {
    assertKnownParams(params, [...LIST_PARAMS, "charge", "payment_intent"])
    const charge = optionalString(params, "charge")
    const paymentIntent = optionalString(params, "payment_intent")
    const refunds = this.refundsOf({ charge, paymentIntent })
    return page(refunds, params, "/v1/refunds")
  }

  /** Opens a dispute on the intent's captured charge, as a cardholder's bank would. */
  openDispute(paymentIntentId: string, reason: string, origin: EventOrigin): Stripe.Dispute {
    const intent = this.paymentIntent(paymentIntentId)
    const charge = intent.latest_charge ? this.latestCharge(intent) : undefined
    if (!charge?.captured) {
      throw unexpectedState(`PaymentIntent ${paymentIntentId} has no captured charge to dispute.`, intent)
    }
    if (charge.disputed) {
      throw invalidRequest(`Charge ${charge.id} is already disputed.`, { code: "charge_disputed" })
    }
    const dispute = newDispute(charge, reason)
    this.disputes.set(dispute.id, dispute)
    charge.disputed = true
    this.emit("charge.dispute.created", dispute, origin)
    const withdrawn = newBalanceTransaction(-dispute.amount, dispute.currency, "adjustment", dispute.id)
    this.balanceTransactions.set(withdrawn.id, withdrawn)
    dispute.balance_transactions = [withdrawn]
    this.emit("charge.dispute.funds_withdrawn", dispute, origin)
    return dispute
  }

  /** Moves a dispute to `status`: `charge.dispute.closed` for won / lost / warning_closed, else `.updated`. */
  updateDispute(disputeId: string, status: Stripe.Dispute.Status, origin: EventOrigin): Stripe.Dispute {
    const dispute = this.disputes.get(disputeId)
    if (!dispute) {
      throw resourceMissing("dispute", disputeId, "dispute")
    }
    if (!DISPUTE_STATUSES.includes(status)) {
      throw invalidRequest(`Invalid status: must be one of ${DISPUTE_STATUSES.join(", ")}`, { param: "status" })
    }
    if (CLOSED_DISPUTE_STATUSES.includes(dispute.status)) {
      throw invalidRequest(`Dispute ${disputeId} is already closed (${dispute.status}).`)
    }
    const previous = { status: dispute.status }
    dispute.status = status
    const closed = CLOSED_DISPUTE_STATUSES.includes(status)
    this.emit(closed ? "charge.dispute.closed" : "charge.dispute.updated", dispute, origin, previous)
    if (status === "won" && dispute.balance_transactions.length > 0) {
      const reinstated = newBalanceTransaction(dispute.amount, dispute.currency, "adjustment", dispute.id)
      this.balanceTransactions.set(reinstated.id, reinstated)
      dispute.balance_transactions = [...dispute.balance_transactions, reinstated]
      this.emit("charge.dispute.funds_reinstated", dispute, origin)
    }
    return dispute
  }

  /** Copies of every payment intent, newest first. */
  allPaymentIntents(): Stripe.PaymentIntent[] {
    return newestFirst(this.paymentIntents)
  }

  /** Copies of every dispute, newest first. */
  allDisputes(): Stripe.Dispute[] {
    return newestFirst(this.disputes)
  }

  /** `GET /v1/payment_intents`, newest first, optionally for one `customer`. */
  listPaymentIntents(params: FormObject): ListResponse<Stripe.PaymentIntent> {
    assertKnownParams(params, [...LIST_PARAMS, "customer", "created"])
    const customer = optionalString(params, "customer")
    const data = this.allPaymentIntents().filter((intent) => !customer || intent.customer === customer)
    return page(data, params, "/v1/payment_intents")
  }

  /** `GET /v1/charges`, newest first, optionally for one `payment_intent` or `customer`. */
  listCharges(params: FormObject): ListResponse<Stripe.Charge> {
    assertKnownParams(params, [...LIST_PARAMS, "customer", "payment_intent", "created", "transfer_group"])
    const paymentIntent = optionalString(params, "payment_intent")
    const customer = optionalString(params, "customer")
    const data = newestFirst(this.charges)
      .filter((charge) => !paymentIntent || charge.payment_intent === paymentIntent)
      .filter((charge) => !customer || charge.customer === customer)
    return page(data, params, "/v1/charges")
  }

  /** `GET /v1/disputes`, newest first, optionally for one `charge` or `payment_intent`. */
  listDisputes(params: FormObject): ListResponse<Stripe.Dispute> {
    assertKnownParams(params, [...LIST_PARAMS, "charge", "payment_intent", "created"])
    const charge = optionalString(params, "charge")
    const paymentIntent = optionalString(params, "payment_intent")
    const data = this.allDisputes()
      .filter((dispute) => !charge || dispute.charge === charge)
      .filter((dispute) => !paymentIntent || dispute.payment_intent === paymentIntent)
    return page(data, params, "/v1/disputes")
  }

  /** `GET /v1/events`, newest first, optionally of one `type` or of `types[]`. */
  listEvents(params: FormObject): ListResponse<Stripe.Event> {
    assertKnownParams(params, [...LIST_PARAMS, "type", "types", "created", "delivery_success"])
    const type = optionalString(params, "type")
    const types = optionalStringArray(params, "types")
    const data = [...this.events]
      .reverse()
      .filter((event) => !type || event.type === type)
      .filter((event) => !types || types.includes(event.type))
      .map((event) => structuredClone(event))
    return page(data, params, "/v1/events")
  }

  /**
   * `POST /v1/disputes/:id`: merges `evidence` and `metadata`; `submit=true` (Stripe's default) sends the evidence,
   * moving a dispute that needs a response to under review. One `charge.dispute.updated` when anything changed.
   */
  updateDisputeFromApi(id: string, params: FormObject, origin: EventOrigin): Stripe.Dispute {
    assertKnownParams(params, ["evidence", "expand", "metadata", "submit"])
    const dispute = this.openDisputeById(id)
    const before = structuredClone(dispute)
    const evidence = optionalObject(params, "evidence") ?? {}
    for (const [name, value] of Object.entries(evidence)) {
      if (!(name in dispute.evidence) || typeof value !== "string") {
        throw invalidRequest(`Received unknown parameter: evidence[${name}]`, {
          code: "parameter_unknown",
          param: `evidence[${name}]`,
        })
      }
      Object.assign(dispute.evidence, { [name]: value })
    }
    dispute.metadata = applyMetadata(dispute.metadata, params)
    if (Object.keys(evidence).length > 0) {
      dispute.evidence_details.has_evidence = true
    }
    if ((optionalBoolean(params, "submit") ?? true) && Object.keys(evidence).length > 0) {
      dispute.evidence_details.submission_count += 1
      dispute.status = dispute.status.startsWith("warning_") ? "warning_under_review" : "under_review"
    }
    const previous = Object.fromEntries(
      (["evidence", "evidence_details", "metadata", "status"] as const)
        .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(dispute[field]))
        .map((field) => [field, before[field]])
    )
    if (Object.keys(previous).length > 0) {
      this.emit("charge.dispute.updated", dispute, origin, previous)
    }
    return dispute
  }

  /** `POST /v1/disputes/:id/close`: the merchant accepts the dispute, which is then lost (or warning_closed). */
  closeDispute(id: string, params: FormObject, origin: EventOrigin): Stripe.Dispute {
    assertKnownParams(params, ["expand"])
    const dispute = this.openDisputeById(id)
    return this.updateDispute(id, dispute.status.startsWith("warning_") ? "warning_closed" : "lost", origin)
  }

  /** `POST /v1/customers`. */
  createCustomer(params: FormObject, origin: EventOrigin): Stripe.Customer {
    assertKnownParams(params, CUSTOMER_PARAMS)
    const customer = newCustomer({
      email: optionalString(params, "email") ?? null,
      name: optionalString(params, "name") ?? null,
      phone: optionalString(params, "phone") ?? null,
      description: optionalString(params, "description") ?? null,
      metadata: applyMetadata({}, params),
    })
    this.customers.set(customer.id, customer)
    this.emit("customer.created", customer, origin)
    return customer
  }

  /** `POST /v1/customers/:id`; the event carries the changed fields' old values in `previous_attributes`. */
  updateCustomer(id: string, params: FormObject, origin: EventOrigin): Stripe.Customer {
    assertKnownParams(params, CUSTOMER_PARAMS)
    const customer = this.liveCustomer(id, "id")
    const before = structuredClone(customer)
    customer.email = optionalString(params, "email") ?? customer.email
    customer.name = optionalString(params, "name") ?? customer.name
    customer.phone = optionalString(params, "phone") ?? customer.phone
    customer.description = optionalString(params, "description") ?? customer.description
    customer.metadata = applyMetadata(customer.metadata, params)
    const previous = Object.fromEntries(
      (["email", "name", "phone", "description", "metadata"] as const)
        .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(customer[field]))
        .map((field) => [field, before[field]])
    )
    if (Object.keys(previous).length > 0) {
      this.emit("customer.updated", customer, origin, previous)
    }
    return customer
  }

  /** `DELETE /v1/customers/:id`. */
  deleteCustomer(id: string, origin: EventOrigin): Stripe.DeletedCustomer {
    const customer = this.liveCustomer(id, "id")
    const deleted: Stripe.DeletedCustomer = { id, object: "customer", deleted: true }
    this.customers.set(id, deleted)
    this.emit("customer.deleted", customer, origin)
    return deleted
  }

  /** `GET /v1/customers/:id/payment_methods`: payment methods saved with `setup_future_usage`. */
  listCustomerPaymentMethods(id: string, params: FormObject): ListResponse<Stripe.PaymentMethod> {
    assertKnownParams(params, [...LIST_PARAMS, "type", "allow_redisplay"])
    this.liveCustomer(id, "customer")
    const type = optionalString(params, "type")
    const data = this.paymentMethods.attachedTo(id).filter((paymentMethod) => !type || paymentMethod.type === type)
    return page(data, params, `/v1/customers/${id}/payment_methods`)
  }

  private openDisputeById(id: string): Stripe.Dispute {
    const dispute = this.disputes.get(id)
    if (!dispute) {
      throw resourceMissing("dispute", id, "dispute")
    }
    if (CLOSED_DISPUTE_STATUSES.includes(dispute.status)) {
      throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`)
    }
    return dispute
  }

  private paymentIntent(id: string): Stripe.PaymentIntent {
    const intent = this.paymentIntents.get(id)
    if (!intent) {
      throw resourceMissing("payment_intent", id, "intent")
    }
    return intent
  }

  private latestCharge(intent: Stripe.PaymentIntent): Stripe.Charge {
    const id = typeof intent.latest_charge === "string" ? intent.latest_charge : intent.latest_charge?.id
    const charge = id ? this.charges.get(id) : undefined
    if (!charge) {
      throw unexpectedState(`PaymentIntent ${intent.id} has no charge.`, intent)
    }
    return charge
  }

  private liveCustomer(id: string, param: string): Stripe.Customer {
    const customer = this.customers.get(id)
    if (!customer || customer.deleted) {
      throw resourceMissing("customer", id, param)
    }
    return customer
  }

  private customerParam(params: FormObject): string | null {
    const id = optionalString(params, "customer")
    return id ? this.liveCustomer(id, "customer").id : null
  }

  private paymentMethodTypesParam(params: FormObject): Stripe.PaymentMethod.Type[] | undefined {
    return optionalStringArray(params, "payment_method_types")?.map((name, index) => {
      const type = knownType(name)
      if (!type) {
        throw invalidRequest(`The payment method type "${name}" is invalid.`, {
          param: `payment_method_types[${index}]`,
        })
      }
      return type
    })
  }

  private paymentMethodParam(params: FormObject): Stripe.PaymentMethod | undefined {
    const id = optionalString(params, "payment_method")
    const data = optionalObject(params, "payment_method_data")
    if (id && data) {
      throw invalidRequest("You cannot specify both payment_method and payment_method_data.", {
        param: "payment_method_data",
      })
    }
    if (data) {
      return this.paymentMethods.createFromData(requiredString(data, "type"))
    }
    return id ? this.paymentMethods.resolve(id) : undefined
  }

  private requirePaymentMethod(intent: Stripe.PaymentIntent): Stripe.PaymentMethod {
    const current = typeof intent.payment_method === "string" ? intent.payment_method : intent.payment_method?.id
    if (current) {
      return this.paymentMethods.resolve(current)
    }
    const firstType = knownType(intent.payment_method_types[0] ?? "")
    if (firstType && [...ASYNC_PAYMENT_METHOD_TYPES, ...REDIRECT_PAYMENT_METHOD_TYPES].includes(firstType)) {
      return this.paymentMethods.createFromData(firstType)
    }
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Specify payment_method or " +
        "payment_method_data.",
      intent
    )
  }

  /** Stripe's 400s for an amount below the currency's minimum, and for types the currency or capture excludes. */
  private assertSupportedByTypes(intent: Stripe.PaymentIntent): void {
    const tooSmall = minimumAmountError(intent.amount, intent.currency)
    if (tooSmall) {
      throw tooSmall
    }
    if (!intent.automatic_payment_methods?.enabled) {
      for (const type of intent.payment_method_types) {
        this.assertSupports(intent, type, "payment_method_types")
      }
    }
  }

  private assertSupports(intent: Stripe.PaymentIntent, type: string, param: string): void {
    const known = knownType(type)
    const currencies = known && PAYMENT_METHOD_CURRENCIES[known]
    if (currencies && !currencies.includes(intent.currency)) {
      throw invalidRequest(
        `The currency provided (${intent.currency}) is invalid for the payment method type ${type}. ` +
          `The payment method type ${type} supports the following currencies: ${currencies.join(", ")}.`,
        { param }
      )
    }
    if (known && intent.capture_method === "manual" && NO_MANUAL_CAPTURE_TYPES.includes(known)) {
      throw invalidRequest(
        `The payment method type ${type} does not support manual capture (capture_method=manual). ` +
          "Use capture_method=automatic or remove it from payment_method_types.",
        { param: "capture_method" }
      )
    }
  }

  private assertAccepts(intent: Stripe.PaymentIntent, paymentMethod: Stripe.PaymentMethod): void {
    if (!intent.automatic_payment_methods?.enabled && !intent.payment_method_types.includes(paymentMethod.type)) {
      throw invalidRequest(
        `The provided PaymentMethod is of type ${paymentMethod.type}, which is not in this PaymentIntent's ` +
          `payment_method_types (${intent.payment_method_types.join(", ")}).`,
        { code: "payment_intent_incompatible_payment_method", param: "payment_method" }
      )
    }
  }

  private pay(
    intent: Stripe.PaymentIntent,
    paymentMethod: Stripe.PaymentMethod,
    origin: EventOrigin,
    returnUrl: string | undefined
  ): void {
    this.assertAccepts(intent, paymentMethod)
    this.assertSupports(intent, paymentMethod.type, "payment_method")
    const outcome = this.paymentMethods.outcome(paymentMethod.id)
    if (outcome.kind === "redirect" && !returnUrl) {
      throw invalidRequest(
        `A return_url must be specified because this PaymentIntent is configured to use the ${paymentMethod.type} ` +
          "payment method, which redirects the customer.",
        { param: "return_url" }
      )
    }
    intent.payment_method = paymentMethod.id
    intent.last_payment_error = null
    intent.next_action = null
    const customer = typeof intent.customer === "string" ? intent.customer : undefined
    if (intent.setup_future_usage && customer && paymentMethod.customer !== customer) {
      paymentMethod.customer = customer
      this.emit("payment_method.attached", paymentMethod, origin)
    }
    switch (outcome.kind) {
      case "succeed":
        this.authorize(intent, this.storeCharge(newCharge(intent, paymentMethod, "pending"), intent), origin)
        this.disputeIfTestCardSaysSo(intent)
        return
      case "authenticate":
        intent.status = "requires_action"
        intent.next_action = { type: "use_stripe_sdk", use_stripe_sdk: {} }
        this.emit("payment_intent.requires_action", intent, origin)
        return
      case "redirect":
        intent.status = "requires_action"
        intent.next_action = {
          type: "redirect_to_url",
          redirect_to_url: { url: this.sink.redirectUrl(intent.id), return_url: returnUrl ?? null },
        }
        this.emit("payment_intent.requires_action", intent, origin)
        return
      case "async": {
        const charge = this.storeCharge(newCharge(intent, paymentMethod, "pending"), intent)
        intent.status = "processing"
        this.emit("charge.pending", charge, origin)
        this.emit("payment_intent.processing", intent, origin)
        return
      }
      case "decline":
        throw this.decline(intent, paymentMethod, outcome.declineCode, outcome.message, origin)
    }
  }

  private authorize(intent: Stripe.PaymentIntent, charge: Stripe.Charge, origin: EventOrigin): void {
    charge.status = "succeeded"
    charge.paid = true
    charge.outcome = authorizedOutcome()
    if (intent.capture_method === "manual") {
      intent.status = "requires_capture"
      intent.amount_capturable = intent.amount
      this.emit("charge.succeeded", charge, origin)
      this.emit("payment_intent.amount_capturable_updated", intent, origin)
    } else {
      charge.captured = true
      charge.amount_captured = charge.amount
      intent.status = "succeeded"
      intent.amount_received = intent.amount
      this.emit("charge.succeeded", charge, origin)
      this.emit("payment_intent.succeeded", intent, origin)
      // As on Stripe, the balance transaction of an automatic capture is attached a moment later.
      charge.balance_transaction = this.recordBalance(charge.amount, charge.currency, "charge", charge.id)
      this.emit("charge.updated", charge, DASHBOARD, { balance_transaction: null })
    }
  }

  private decline(
    intent: Stripe.PaymentIntent,
    paymentMethod: Stripe.PaymentMethod,
    declineCode: string,
    message: string,
    origin: EventOrigin
  ): StripeApiError {
    const charge = this.storeCharge(newCharge(intent, paymentMethod, "failed"), intent)
    charge.failure_code = "card_declined"
    charge.failure_message = message
    charge.outcome = declinedOutcome(declineCode)
    intent.status = "requires_payment_method"
    intent.payment_method = null
    const error = new StripeApiError(402, {
      type: "card_error",
      code: "card_declined",
      decline_code: declineCode,
      message,
      charge: charge.id,
      payment_method: structuredClone(paymentMethod),
    })
    intent.last_payment_error = { ...error.body, type: "card_error", code: "card_declined" }
    this.emit("charge.failed", charge, origin)
    this.emit("payment_intent.payment_failed", intent, origin)
    error.body.payment_intent = structuredClone(intent)
    return error
  }

  private failAsyncPayment(intent: Stripe.PaymentIntent, charge: Stripe.Charge, origin: EventOrigin): void {
    const message = "The customer's payment could not be completed."
    charge.status = "failed"
    charge.failure_code = "payment_intent_payment_attempt_failed"
    charge.failure_message = message
    intent.last_payment_error = {
      type: "invalid_request_error",
      code: "payment_intent_payment_attempt_failed",
      message,
      charge: charge.id,
      payment_method: structuredClone(this.paymentMethods.resolve(String(charge.payment_method))),
    }
    intent.status = "requires_payment_method"
    intent.payment_method = null
    this.emit("charge.failed", charge, origin)
    this.emit("payment_intent.payment_failed", intent, origin)
  }

  private failAuthentication(
    intent: Stripe.PaymentIntent,
    paymentMethod: Stripe.PaymentMethod,
    origin: EventOrigin
  ): void {
    intent.last_payment_error = {
      type: "invalid_request_error",
      code: "payment_intent_authentication_failure",
      message:
        "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new " +
        "PaymentMethod to attempt to fulfill this PaymentIntent again.",
      payment_method: structuredClone(paymentMethod),
    }
    intent.status = "requires_payment_method"
    intent.payment_method = null
    intent.next_action = null
    this.emit("payment_intent.payment_failed", intent, origin)
  }

  /** `pm_card_createDispute`: once its payment is captured, the cardholder disputes it (reason `fraudulent`). */
  private disputeIfTestCardSaysSo(intent: Stripe.PaymentIntent): void {
    const paymentMethod = typeof intent.payment_method === "string" ? intent.payment_method : null
    const outcome = paymentMethod ? this.paymentMethods.outcome(paymentMethod) : undefined
    if (intent.status === "succeeded" && outcome?.kind === "succeed" && outcome.dispute) {
      this.openDispute(intent.id, "fraudulent", DASHBOARD)
    }
  }

  /** Stores a balance transaction and returns its id. */
  private recordBalance(
    amount: number,
    currency: string,
    type: "charge" | "refund" | "adjustment",
    source: string
  ): string {
    const transaction = newBalanceTransaction(amount, currency, type, source)
    this.balanceTransactions.set(transaction.id, transaction)
    return transaction.id
  }

  private storeCharge(charge: Stripe.Charge, intent: Stripe.PaymentIntent): Stripe.Charge {
    this.charges.set(charge.id, charge)
    intent.latest_charge = charge.id
    return charge
  }

  private refundableCharge(params: FormObject): Stripe.Charge {
    const chargeId = optionalString(params, "charge")
    const intentId = optionalString(params, "payment_intent")
    if (!chargeId === !intentId) {
      throw invalidRequest("Exactly one of the following params should be provided: payment_intent or charge.", {
        param: chargeId ? "payment_intent" : "charge",
      })
    }
    let charge: Stripe.Charge | undefined
    if (intentId) {
      const intent = this.paymentIntent(intentId)
      if (intent.status !== "succeeded") {
        throw invalidRequest(
          `This PaymentIntent (${intentId}) does not have a successful charge to refund (status ${intent.status}).`,
          { code: "charge_not_refundable", param: "payment_intent" }
        )
      }
      charge = this.latestCharge(intent)
    } else if (chargeId) {
      charge = this.charges.get(chargeId)
      if (!charge) {
        throw resourceMissing("charge", chargeId, "charge")
      }
    }
    if (!charge?.captured) {
      throw invalidRequest(`Charge ${charge?.id ?? chargeId} has not been captured and cannot be refunded.`, {
        code: "charge_not_refundable",
      })
    }
    const openDispute = [...this.disputes.values()].find(
      (dispute) => dispute.charge === charge?.id && !CLOSED_DISPUTE_STATUSES.includes(dispute.status)
    )
    if (openDispute) {
      throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
        code: "charge_disputed",
      })
    }
    return charge
  }

  private refundsOf(filter: { charge?: string; paymentIntent?: string }): Stripe.Refund[] {
    return [...this.refunds.values()]
      .filter((refund) => !filter.charge || refund.charge === filter.charge)
      .filter((refund) => !filter.paymentIntent || refund.payment_intent === filter.paymentIntent)
      .map((refund) => structuredClone(refund))
      .reverse()
  }

  /** Every refund of a charge, newest first, as a charge's expanded `refunds`. */
  private chargeRefunds(chargeId: string): ListResponse<Stripe.Refund> {
    const data = this.refundsOf({ charge: chargeId })
    return { object: "list", data, has_more: false, url: `/v1/charges/${chargeId}/refunds` }
  }

  private lookup(resource: ResourceName, id: string): object | undefined {
    switch (resource) {
      case "payment_intent":
        return this.paymentIntents.get(id)
      case "charge":
        return this.charges.get(id)
      case "refund":
        return this.refunds.get(id)
      case "dispute":
        return this.disputes.get(id)
      case "customer":
        return this.customers.get(id)
      case "event":
        return this.eventsById.get(id)
      case "payment_method":
        return this.paymentMethods.get(id)
      case "balance_transaction":
        return this.balanceTransactions.get(id)
    }
  }

  private lookupById(id: string): object | undefined {
    const resource = ID_PREFIXES[id.slice(0, id.indexOf("_"))]
    return resource ? this.lookup(resource, id) : undefined
  }

  private expandPath(target: Record<string, unknown>, segments: string[], path: string): void {
    const [key, ...rest] = segments
    const value = target[key]
    if (key === "data" && Array.isArray(value) && rest.length > 0) {
      value.forEach((item: Record<string, unknown>) => this.expandPath(item, rest, path))
      return
    }
    let expanded: unknown
    if (target.object === "charge" && key === "refunds" && typeof target.id === "string") {
      expanded = this.chargeRefunds(target.id)
    } else if (typeof value === "string" && this.lookupById(value)) {
      expanded = structuredClone(this.lookupById(value))
    } else if (value === null || (typeof value === "object" && value !== undefined)) {
      expanded = value
    } else {
      throw invalidRequest(`This property cannot be expanded (${path}).`, { param: "expand" })
    }
    target[key] = expanded
    if (rest.length > 0 && expanded !== null && typeof expanded === "object") {
      this.expandPath(expanded as Record<string, unknown>, rest, path)
    }
  }
}

const ID_PREFIXES: Record<string, ResourceName> = {
  pi: "payment_intent",
  ch: "charge",
  re: "refund",
  dp: "dispute",
  cus: "customer",
  evt: "event",
  pm: "payment_method",
  txn: "balance_transaction",
}

function newestFirst<T>(objects: Map<string, T>): T[] {
  return [...objects.values()].reverse().map((object) => structuredClone(object))
}

/** One page of `data` (newest first) per Stripe's `limit`, `starting_after` and `ending_before`. */
function page<T extends { id: string }>(data: T[], params: FormObject, url: string): ListResponse<T> {
  const limit = optionalInteger(params, "limit") ?? 10
  if (limit < 1 || limit > 100) {
    throw invalidRequest("Invalid limit: must be between 1 and 100.", { param: "limit" })
  }
  const cursor = (name: string): number => {
    const id = requiredString(params, name)
    const index = data.findIndex((item) => item.id === id)
    if (index < 0) {
      throw invalidRequest(`No such object for ${name}: '${id}'`, { code: "resource_missing", param: name })
    }
    return index
  }
  if (params.ending_before !== undefined) {
    const before = data.slice(0, cursor("ending_before"))
    return { object: "list", data: before.slice(-limit), has_more: before.length > limit, url }
  }
  const after = params.starting_after === undefined ? data : data.slice(cursor("starting_after") + 1)
  return { object: "list", data: after.slice(0, limit), has_more: after.length > limit, url }
}
