import { CheckoutAPI, Client, EnvironmentEnum, Types } from "@adyen/api-library"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  PaymentSessionStatus,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, MedusaError } from "@medusajs/framework/utils"
import { authorizationStatusFor, verifiedWebhookEventOf } from "../verified-webhook-event"
import { invalidPayload } from "../kit/errors"
import { withConfirmedMedusaRefund, type WebhookAcknowledgement } from "../webhook-contract"
import { toAdyenAmount } from "./amounts"
import { EndpointClient } from "./endpoint-client"
import { toMedusaError } from "./errors"
import { describeAdyenItem, REFERENCE_SEPARATOR, verifyAdyenNotification } from "./notification"
import { resolveAdyenOptions, validateAdyenOptions, type AdyenOptions, type ResolvedAdyenOptions } from "./options"

/**
 * What the provider keeps in a payment session's and payment's `data`. Amounts in Adyen's minor units.
 * Only the provider writes it (Medusa stores what the provider returns), so it can be trusted.
 */
export type AdyenPaymentData = {
  /** The Medusa payment session: the `reference` of every Adyen request, so notifications find it again. */
  session_id: string
  /** The Adyen Checkout session, for Drop-in / Components (`id` and `sessionData`). */
  id: string
  sessionData?: string
  merchantAccount: string
  amount: { value: number; currency: string }
  capture: "automatic" | "manual"
  /** Set once an AUTHORISATION notification confirmed the payment. */
  pspReference?: string
  resultCode?: "Authorised"
  /** pspReferences of the modifications Medusa asked for. */
  captures?: string[]
  cancellation?: string
  [key: string]: unknown
}

const stringField = (data: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = data?.[key]
  return typeof value === "string" && value.length > 0 ? value : undefined
}

function paymentDataOf(data: Record<string, unknown> | undefined, operation: string): AdyenPaymentData {
  if (!stringField(data, "session_id") || !stringField(data, "id") || typeof data?.amount !== "object") {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `adyen provider: ${operation} needs the data initiatePayment returned (session_id, id, amount)`
    )
  }
  return data as AdyenPaymentData
}

function pspReferenceOf(data: AdyenPaymentData, operation: string): string {
  if (!data.pspReference) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `adyen provider: ${operation} needs an authorised payment (no AUTHORISATION notification recorded for session ${data.session_id})`
    )
  }
  return data.pspReference
}

/**
 * A Medusa payment provider on Adyen's Checkout API (`@adyen/api-library`): a Checkout session per
 * Medusa payment session (the shopper pays with Drop-in or Components), authorization from the
 * verified AUTHORISATION notification, capture, refund and cancel through the modifications API, and
 * notifications verified item by item with the library's HMAC validator.
 *
 * Registered as `pp_adyen_<id>`. Its webhook URL is `/hooks/payment/adyen_<id>`.
 */
export class AdyenProviderService extends AbstractPaymentProvider<AdyenOptions> {
  static override identifier = "adyen"

  protected readonly options_: ResolvedAdyenOptions
  protected readonly checkout_: CheckoutAPI

  /** Rejects wrong options at start-up with a message naming the option. */
  static override validateOptions(options: Record<string, unknown>): void {
    validateAdyenOptions(options)
  }

  /** `cradle` is the payment module's container; `options` are the provider's options. */
  constructor(cradle: Record<string, unknown>, options: AdyenOptions) {
    super(cradle, options)
    this.options_ = resolveAdyenOptions(options)
    const client = new Client({
      apiKey: this.options_.apiKey,
      environment: this.options_.checkoutEndpoint ? EnvironmentEnum.TEST : (this.options_.environment as EnvironmentEnum),
      liveEndpointUrlPrefix: this.options_.liveEndpointUrlPrefix,
      connectionTimeoutMillis: this.options_.apiTimeoutMs,
      applicationName: "medusa-payment-webhooks",
    })
    if (this.options_.checkoutEndpoint) {
      client.httpClient = new EndpointClient(this.options_.checkoutEndpoint)
    }
    this.checkout_ = new CheckoutAPI(client)
  }

  /**
   * Creates the Adyen Checkout session for a Medusa payment session (Medusa passes `data.session_id`),
   * with the session id as `reference`. The storefront mounts Drop-in with `data.id` and `data.sessionData`.
   * `data.return_url` overrides the `returnUrl` option.
   */
  override async initiatePayment({ amount, currency_code, data, context }: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const sessionId = stringField(data, "session_id")
    if (!sessionId) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "adyen provider: initiatePayment needs data.session_id to link the Adyen session to the Medusa session"
      )
    }
    const created = await this.createCheckoutSession(
      sessionId,
      { value: toAdyenAmount(amount, currency_code), currency: currency_code.toUpperCase() },
      stringField(data, "return_url"),
      context?.idempotency_key ?? `medusa-session-${sessionId}`
    )
    return { id: created.id, status: "pending", data: created }
  }

  /** A new Checkout session for the new amount or currency; nothing changes once the payment is authorised. */
  override async updatePayment({ amount, currency_code, data }: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const current = paymentDataOf(data, "updatePayment")
    const wanted = { value: toAdyenAmount(amount, currency_code), currency: currency_code.toUpperCase() }
    if (current.pspReference || (wanted.value === current.amount.value && wanted.currency === current.amount.currency)) {
      return { data }
    }
    const created = await this.createCheckoutSession(
      current.session_id,
      wanted,
      stringField(data, "return_url"),
      `medusa-session-${current.session_id}-${wanted.currency}-${wanted.value}`
    )
    return { status: "pending", data: created }
  }

  /**
   * Authorizes from the verified AUTHORISATION notification that webhook processing passes in the
   * context (Adyen has no API to ask about a payment made in the shopper's browser): the item must be
   * about this session, for its amount and currency. Without one, a session already authorised stays
   * so and any other is still `pending` (the shopper's payment is confirmed by the notification).
   */
  override async authorizePayment({ data, context }: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const current = paymentDataOf(data, "authorizePayment")
    const event = verifiedWebhookEventOf(context)
    if (!event || (event.action !== "authorized" && event.action !== "captured") || current.pspReference) {
      return this.getPaymentStatus({ data })
    }
    const pspReference = stringField(event.data, "psp_reference")
    if (event.data.session_id !== current.session_id || !pspReference) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `adyen provider: the notification passed to authorizePayment is not about session ${current.session_id}`
      )
    }
    const notified = toAdyenAmount(event.data.amount ?? 0, String(event.data.currency_code ?? ""))
    if (String(event.data.currency_code).toUpperCase() !== current.amount.currency || notified !== current.amount.value) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `adyen provider: session ${current.session_id} is for ${current.amount.value} ${current.amount.currency} ` +
          `(minor units); the notification authorised ${notified} ${String(event.data.currency_code).toUpperCase()}`
      )
    }
    const authorised: AdyenPaymentData = { ...current, pspReference, resultCode: "Authorised" }
    if (event.action !== "captured") {
      return { status: "authorized", data: authorised }
    }
    // Only an automatic capture is reported as authorized on request: its `capturePayment` asks Adyen
    // nothing, where a manual one would send a second capture.
    return { status: current.capture === "automatic" ? authorizationStatusFor("captured", context) : "captured", data: authorised }
  }

  /** The session status the data says: `authorized` (or `captured` with automatic capture) once authorised. */
  override async getPaymentStatus({ data }: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const current = paymentDataOf(data, "getPaymentStatus")
    let status: PaymentSessionStatus = "pending"
    if (current.cancellation) {
      status = "canceled"
    } else if (current.pspReference) {
      status = current.capture === "automatic" ? "captured" : "authorized"
    }
    return { status, data }
  }

  /**
   * Captures the authorised amount (Adyen confirms with a CAPTURE notification). Medusa passes the id of
   * its capture as `context.idempotency_key`, used as Adyen's idempotency key.
   */
  override async capturePayment({ data, context }: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const current = paymentDataOf(data, "capturePayment")
    if (current.capture === "automatic") {
      return { data }
    }
    const psp = pspReferenceOf(current, "capturePayment")
    try {
      const capture = await this.checkout_.ModificationsApi.captureAuthorisedPayment(
        psp,
        { merchantAccount: current.merchantAccount, amount: current.amount, reference: current.session_id },
        { idempotencyKey: context?.idempotency_key }
      )
      return { data: { ...current, captures: [...(current.captures ?? []), capture.pspReference] } }
    } catch (error) {
      throw toMedusaError("capturePayment", error)
    }
  }

  /**
   * Refunds `amount` (major units). The refund's `reference` is `<session id>/<Medusa refund id>`
   * (Medusa passes its refund id as `context.idempotency_key`), so the REFUND notification is matched to
   * the refund Medusa already recorded; the returned data confirms it under `medusa_refunds`.
   */
  override async refundPayment({ amount, data, context }: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const current = paymentDataOf(data, "refundPayment")
    const psp = pspReferenceOf(current, "refundPayment")
    const medusaRefundId = context?.idempotency_key
    try {
      const refund = await this.checkout_.ModificationsApi.refundCapturedPayment(
        psp,
        {
          merchantAccount: current.merchantAccount,
          amount: { value: toAdyenAmount(amount, current.amount.currency), currency: current.amount.currency },
          reference: medusaRefundId ? `${current.session_id}${REFERENCE_SEPARATOR}${medusaRefundId}` : current.session_id,
        },
        { idempotencyKey: medusaRefundId }
      )
      return { data: withConfirmedMedusaRefund(data, medusaRefundId, refund.pspReference) }
    } catch (error) {
      throw toMedusaError("refundPayment", error)
    }
  }

  /** Cancels the authorisation (Adyen confirms with a CANCELLATION notification); a session never paid has nothing to cancel. */
  override async cancelPayment({ data, context }: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const current = paymentDataOf(data, "cancelPayment")
    if (!current.pspReference || current.cancellation) {
      return { data }
    }
    try {
      const cancel = await this.checkout_.ModificationsApi.cancelAuthorisedPaymentByPspReference(
        current.pspReference,
        { merchantAccount: current.merchantAccount, reference: current.session_id },
        { idempotencyKey: context?.idempotency_key }
      )
      return { data: { ...current, cancellation: cancel.pspReference } }
    } catch (error) {
      throw toMedusaError("cancelPayment", error)
    }
  }

  /** Cancels an authorised payment of a deleted session; an unpaid Checkout session simply expires. */
  override async deletePayment({ data, context }: DeletePaymentInput): Promise<DeletePaymentOutput> {
    return this.cancelPayment({ data, context })
  }

  /** The payment as the provider knows it: Adyen's Checkout API has no read of a payment. */
  override async retrievePayment({ data }: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    return { data: paymentDataOf(data, "retrievePayment") }
  }

  /**
   * Verifies every item of a notification with Adyen's HMAC validator (any configured key) and maps each
   * (`event-codes.ts`, `notification.ts`): one `{ action, data }` per item, in the order Adyen sent them.
   * One item that does not verify refuses the whole request (`invalid_signature:`); a body that is not a
   * notification is `invalid_payload:`. Makes no request to Adyen.
   */
  async getWebhookEvents(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult[]> {
    const items = verifyAdyenNotification(payload.rawData, this.options_.hmacKeys)
    const opts = { merchantAccount: this.options_.merchantAccount, captureAutomatically: this.options_.capture }
    // Medusa types `action` as its own PaymentActions; this plugin's route also handles `refunded` and `disputed`.
    return items.map((item) => describeAdyenItem(item, opts) as WebhookActionResult)
  }

  /**
   * Medusa's one-event contract: the notification's only item. A batch of several items is refused
   * (`invalid_payload:`, Adyen retries it) by a route that cannot store several events at once; this
   * plugin's route calls {@link AdyenProviderService.getWebhookEvents} instead.
   */
  override async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    const events = await this.getWebhookEvents(payload)
    if (events.length > 1) {
      throw invalidPayload(`the notification has ${events.length} items; this route accepts one item per request`)
    }
    return events[0]
  }

  /** Adyen expects `[accepted]` as the body of a 200 acknowledgement. */
  webhookAcknowledgement(): WebhookAcknowledgement {
    return { contentType: "text/plain", body: "[accepted]" }
  }

  private async createCheckoutSession(
    sessionId: string,
    amount: AdyenPaymentData["amount"],
    returnUrl: string | undefined,
    idempotencyKey: string
  ): Promise<AdyenPaymentData> {
    const capture = this.options_.capture ? "automatic" : "manual"
    const request: Types.checkout.CreateCheckoutSessionRequest = {
      merchantAccount: this.options_.merchantAccount,
      amount,
      reference: sessionId,
      returnUrl: returnUrl ?? this.options_.returnUrl,
      metadata: { session_id: sessionId },
      ...(capture === "manual" && { additionalData: { manualCapture: "true" } }),
    }
    try {
      const session = await this.checkout_.PaymentsApi.sessions(request, { idempotencyKey })
      return {
        session_id: sessionId,
        id: session.id,
        sessionData: session.sessionData,
        merchantAccount: this.options_.merchantAccount,
        amount,
        capture,
      }
    } catch (error) {
      throw toMedusaError("initiatePayment", error)
    }
  }
}
