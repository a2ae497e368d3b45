import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  CreateAccountHolderInput,
  CreateAccountHolderOutput,
  DeleteAccountHolderInput,
  DeleteAccountHolderOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  PaymentCustomerDTO,
  PaymentProviderContext,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdateAccountHolderInput,
  UpdateAccountHolderOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, MedusaError } from "@medusajs/framework/utils"
import Stripe from "stripe"
import type { ResolvableWebhookEvent, WebhookEventResolver } from "../webhook-contract"
import { toStripeAmount } from "./amounts"
import { isStripeError, STRIPE_ERROR_CODES, toMedusaError } from "./errors"
import { createFencedHttpClient } from "./fenced-http-client"
import { resolveStripeOptions, validateStripeOptions, type ResolvedStripeOptions, type StripeOptions } from "./options"
import { sessionStatusOf } from "./payment-intent-status"
import { withConfirmedMedusaRefund } from "../webhook-contract"
import { paymentDeclined } from "../kit/errors"
import { authorizationStatusFor } from "../verified-webhook-event"
import { describeStripeEvent, MEDUSA_REFUND_ID_METADATA_KEY } from "./webhook-event"
import { resolveStripeEvent } from "./webhook-resolution"
import { isStripeEvent, signatureHeaderFrom, verifyStripeWebhook } from "./webhook-verification"

/** PaymentIntent parameters a payment-method class fixes for every intent it creates. */
export type PaymentIntentDefaults = Pick<
  Stripe.PaymentIntentCreateParams,
  "payment_method_types" | "automatic_payment_methods" | "capture_method" | "payment_method_options"
>

type ProviderData = Record<string, unknown> | undefined

/** Stripe objects are plain JSON; the spread drops the SDK's non-enumerable `lastResponse`. */
const toData = (object: Stripe.PaymentIntent | Stripe.Customer): Record<string, unknown> => ({ ...object })

const stringField = (data: ProviderData, key: string): string | undefined => {
  const value = data?.[key]
  return typeof value === "string" && value.length > 0 ? value : undefined
}

/** Any context that may carry an account holder (their types differ per operation). */
type AccountHolderContext = { account_holder?: { data?: Record<string, unknown> } }

const accountHolderIdOf = (context: AccountHolderContext | undefined): string | undefined =>
  stringField(context?.account_holder?.data, "id")

/** `value`, or an INVALID_DATA error saying that `operation` needs it. */
function required(value: string | undefined, operation: string, what: string): string {
  if (!value) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `stripe provider: ${operation} needs ${what}`)
  }
  return value
}

const intentIdOf = (data: ProviderData, operation: string): string =>
  required(stringField(data, "id"), operation, "the PaymentIntent id in data.id")

const currencyOf = (data: ProviderData, operation: string): string =>
  required(stringField(data, "currency"), operation, "the PaymentIntent currency in data.currency")

const customerIdOf = (context: AccountHolderContext, operation: string): string =>
  required(accountHolderIdOf(context), operation, "the Stripe customer id in context.account_holder.data.id")

/** The session id this plugin wrote on the intent, else the one the Payment Module passed in. */
const sessionIdOf = (data: ProviderData): string | undefined =>
  stringField(data?.metadata as ProviderData, "session_id") ?? stringField(data, "session_id")

function customerParams(customer: PaymentCustomerDTO): Stripe.CustomerCreateParams {
  const address = customer.billing_address
  return {
    email: customer.email,
    name: customer.company_name || [customer.first_name, customer.last_name].filter(Boolean).join(" ") || undefined,
    phone: customer.phone ?? undefined,
    address: address
      ? {
          city: address.city ?? undefined,
          country: address.country_code ?? undefined,
          line1: address.address_1 ?? undefined,
          line2: address.address_2 ?? undefined,
          postal_code: address.postal_code ?? undefined,
          state: address.province ?? undefined,
        }
      : undefined,
    metadata: { medusa_customer_id: customer.id },
  }
}

/** Stripe's reason for the last declined attempt of an intent, e.g. `Your card was declined. (card_declined, generic_decline)`. */
function declineReasonOf(data: ProviderData): string {
  const error = data?.last_payment_error as Stripe.PaymentIntent.LastPaymentError | null | undefined
  const codes = [error?.code, error?.decline_code].filter(Boolean)
  return `${error?.message ?? "the payment was declined"}${codes.length ? ` (${codes.join(", ")})` : ""}`
}

/**
 * A Medusa payment provider on Stripe PaymentIntents. Subclasses only name themselves (`identifier`) and
 * say which payment methods they use ({@link StripeBase.paymentIntentDefaults}).
 *
 * `data` handed to Medusa is the PaymentIntent as Stripe returns it (`id`, `client_secret`, `status`,
 * amounts in Stripe's smallest unit). Amounts Medusa passes in are in major units.
 */
export abstract class StripeBase extends AbstractPaymentProvider<StripeOptions> implements WebhookEventResolver {
  protected readonly options_: ResolvedStripeOptions
  protected readonly stripe_: Stripe

  /** Rejects wrong options at start-up with a message naming the option. */
  static override validateOptions(options: Record<string, unknown>): void {
    validateStripeOptions(options)
  }

  /** `cradle` is the payment module's container; `options` are the provider's options. */
  constructor(cradle: Record<string, unknown>, options: StripeOptions) {
    super(cradle, options)
    this.options_ = resolveStripeOptions(options)
    this.stripe_ = new Stripe(this.options_.apiKey, {
      host: this.options_.apiHost,
      port: this.options_.apiPort,
      protocol: this.options_.apiProtocol,
      maxNetworkRetries: this.options_.maxNetworkRetries,
      timeout: this.options_.apiTimeoutMs,
      appInfo: { name: "medusa-payment-webhooks" },
      httpClient: createFencedHttpClient(),
    })
  }

  /** What this class fixes on its PaymentIntents: the payment method types and anything they need. */
  protected abstract get paymentIntentDefaults(): PaymentIntentDefaults

  /**
   * Creates the PaymentIntent for a payment session. Needs `data.session_id` (the Payment Module passes it):
   * it goes into the intent's metadata, which is how webhooks find the session again.
   */
  override async initiatePayment({
    amount,
    currency_code,
    data,
    context,
  }: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const sessionId = required(
      stringField(data, "session_id"),
      "initiatePayment",
      "data.session_id to link the PaymentIntent to the session"
    )
    const defaults = this.paymentIntentDefaults
    const params: Stripe.PaymentIntentCreateParams = {
      ...defaults,
      amount: toStripeAmount(amount, currency_code),
      currency: currency_code.toLowerCase(),
      capture_method: defaults.capture_method ?? (this.options_.capture ? "automatic" : "manual"),
      description: stringField(data, "payment_description") ?? this.options_.paymentDescription,
      customer: accountHolderIdOf(context),
      metadata: { session_id: sessionId },
    }
    try {
      const intent = await this.stripe_.paymentIntents.create(params, {
        idempotencyKey: context?.idempotency_key ?? `medusa-session-${sessionId}`,
      })
      return { id: intent.id, status: await sessionStatusOf(this.stripe_, intent), data: toData(intent) }
    } catch (error) {
      throw toMedusaError("initiatePayment", error)
    }
  }

  /**
   * Moves the intent to the session's new amount, currency or customer. Sends no idempotency key: the
   * update sets absolute values, and the session's key was already spent on creating the intent.
   */
  override async updatePayment({ amount, currency_code, data, context }: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const id = intentIdOf(data, "updatePayment")
    const params: Stripe.PaymentIntentUpdateParams = {
      amount: toStripeAmount(amount, currency_code),
      currency: currency_code.toLowerCase(),
    }
    const customer = accountHolderIdOf(context)
    if (customer && customer !== data?.customer) {
      params.customer = customer
    }
    if (params.amount === data?.amount && params.currency === data?.currency && !params.customer) {
      return { data }
    }
    try {
      const intent = await this.stripe_.paymentIntents.update(id, params)
      return { status: await sessionStatusOf(this.stripe_, intent), data: toData(intent) }
    } catch (error) {
      throw toMedusaError("updatePayment", error)
    }
  }

  /**
   * Reads the intent's status: `requires_capture` is `authorized`, `succeeded` is `captured`. A
   * declined attempt (the intent waits for another payment method after `last_payment_error`) throws
   * PAYMENT_AUTHORIZATION_ERROR with Stripe's reason, which Medusa's cart completion answers with
   * `200 { type: "cart", error }` so the storefront can ask for another card.
   */
  override async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const result = await this.getPaymentStatus(input)
    if (result.status === "error") {
      throw paymentDeclined(`stripe provider: authorizePayment: ${declineReasonOf(result.data)}`)
    }
    return { ...result, status: authorizationStatusFor(result.status, input.context) }
  }

  /** The session status of the intent, from Stripe. */
  override async getPaymentStatus({ data }: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const id = intentIdOf(data, "getPaymentStatus")
    try {
      const intent = await this.stripe_.paymentIntents.retrieve(id, { expand: ["payment_method"] })
      return { status: await sessionStatusOf(this.stripe_, intent), data: toData(intent) }
    } catch (error) {
      throw toMedusaError("getPaymentStatus", error)
    }
  }

  /**
   * Captures the intent: everything capturable, or `data.amount_to_capture` (major units) for a partial
   * capture, which releases the rest. An intent that already succeeded counts as captured.
   */
  override async capturePayment({ data, context }: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const id = intentIdOf(data, "capturePayment")
    const amountToCapture = data?.amount_to_capture
    if (amountToCapture !== undefined && typeof amountToCapture !== "number" && typeof amountToCapture !== "string") {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "stripe provider: capturePayment data.amount_to_capture must be an amount in major units"
      )
    }
    if ((data as { status?: unknown } | undefined)?.status === "succeeded") {
      // Captured already (automatic capture, or in the dashboard): `succeeded` is final, nothing to ask.
      return { data }
    }
    const params: Stripe.PaymentIntentCaptureParams =
      amountToCapture === undefined
        ? {}
        : { amount_to_capture: toStripeAmount(amountToCapture, currencyOf(data, "capturePayment")) }
    try {
      const intent = await this.stripe_.paymentIntents.capture(id, params, {
        idempotencyKey: context?.idempotency_key,
      })
      return { data: toData(intent) }
    } catch (error) {
      return { data: toData(await this.intentAlreadyIn("succeeded", id, error, "capturePayment")) }
    }
  }

  /**
   * Refunds `amount` (major units) of the intent. Medusa passes the id of its refund as
   * `context.idempotency_key` (Payment Module `refundPaymentFromProvider_`): it is the Stripe refund's
   * idempotency key and its `metadata.medusa_refund_id`, beside the session id, so the refund's webhooks
   * are matched to the refund Medusa recorded. A charge already fully refunded counts as refunded.
   * Returns the PaymentIntent `data` with the refund confirmed under `medusa_refunds` (Medusa keeps it
   * only when this call succeeds, which is how a webhook tells a rolled-back Medusa refund apart).
   */
  override async refundPayment({ amount, data, context }: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const id = intentIdOf(data, "refundPayment")
    const sessionId = sessionIdOf(data)
    const medusaRefundId = context?.idempotency_key
    let refund: Stripe.Refund
    try {
      refund = await this.stripe_.refunds.create(
        {
          payment_intent: id,
          amount: toStripeAmount(amount, currencyOf(data, "refundPayment")),
          metadata: {
            ...(medusaRefundId && { [MEDUSA_REFUND_ID_METADATA_KEY]: medusaRefundId }),
            ...(sessionId && { session_id: sessionId }),
          },
        },
        { idempotencyKey: medusaRefundId }
      )
    } catch (error) {
      if (!isStripeError(error, STRIPE_ERROR_CODES.chargeAlreadyRefunded)) {
        throw toMedusaError("refundPayment", error)
      }
      return { data }
    }
    return { data: withConfirmedMedusaRefund(data, medusaRefundId, refund.id) }
  }

  /** Cancels the intent; one already canceled counts as canceled. */
  override async cancelPayment({ data, context }: CancelPaymentInput): Promise<CancelPaymentOutput> {
    return { data: toData(await this.cancelIntent(intentIdOf(data, "cancelPayment"), context, "cancelPayment")) }
  }

  /**
   * Cancels the session's intent; a session whose intent was never created has nothing to delete, and
   * one whose intent already succeeded (Medusa refunds it, then replaces the session) leaves the intent
   * as it is: Stripe cannot cancel it and the money is handled by the refund.
   */
  override async deletePayment({ data, context }: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const id = stringField(data, "id")
    if (!id) {
      return { data }
    }
    try {
      return { data: toData(await this.cancelIntent(id, context, "deletePayment")) }
    } catch (error) {
      const intent = await this.stripe_.paymentIntents.retrieve(id).catch(() => undefined)
      if (intent?.status === "succeeded") {
        return { data: toData(intent) }
      }
      throw error
    }
  }

  /** The PaymentIntent as Stripe has it now. */
  override async retrievePayment({ data }: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const id = intentIdOf(data, "retrievePayment")
    try {
      return { data: toData(await this.stripe_.paymentIntents.retrieve(id)) }
    } catch (error) {
      throw toMedusaError("retrievePayment", error)
    }
  }

  /** Creates the Stripe customer for a Medusa customer, unless the account holder already has one. */
  async createAccountHolder({ context }: CreateAccountHolderInput): Promise<CreateAccountHolderOutput> {
    const existingId = accountHolderIdOf(context)
    if (existingId) {
      return { id: existingId, data: context.account_holder?.data }
    }
    try {
      const customer = await this.stripe_.customers.create(customerParams(context.customer), {
        idempotencyKey: context.idempotency_key,
      })
      return { id: customer.id, data: toData(customer) }
    } catch (error) {
      throw toMedusaError("createAccountHolder", error)
    }
  }

  /** Copies the Medusa customer's details to the Stripe customer; nothing to do without a customer. */
  async updateAccountHolder({ context }: UpdateAccountHolderInput): Promise<UpdateAccountHolderOutput> {
    const id = customerIdOf(context, "updateAccountHolder")
    if (!context.customer) {
      return {}
    }
    try {
      const customer = await this.stripe_.customers.update(id, customerParams(context.customer), {
        idempotencyKey: context.idempotency_key,
      })
      return { data: toData(customer) }
    } catch (error) {
      throw toMedusaError("updateAccountHolder", error)
    }
  }

  /** Deletes the Stripe customer; one already gone counts as deleted. */
  async deleteAccountHolder({ context }: DeleteAccountHolderInput): Promise<DeleteAccountHolderOutput> {
    const id = customerIdOf(context, "deleteAccountHolder")
    try {
      await this.stripe_.customers.del(id)
    } catch (error) {
      if (!(isStripeError(error) && error.statusCode === 404)) {
        throw toMedusaError("deleteAccountHolder", error)
      }
    }
    return {}
  }

  /**
   * Verifies the webhook (signature against every configured secret, timestamp tolerance) and maps the
   * event: see `event-actions.ts` for the table and `webhook-event.ts` for the shape of `data`. Makes no
   * request to Stripe: an event only Stripe's API can complete comes back with `data.needs_resolution`,
   * and processing calls {@link StripeBase.resolveWebhookEvent}.
   * Throws `invalid_signature: ...` / `invalid_payload: ...` MedusaErrors for requests to reject.
   */
  override async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    const event = verifyStripeWebhook(
      this.stripe_,
      payload.rawData,
      signatureHeaderFrom(payload.headers),
      this.options_.webhookSecrets,
      this.options_.webhookTolerance
    )
    // Medusa types `action` as its own PaymentActions; this plugin's route also handles `refunded` and
    // `disputed` (README, "Writing a provider").
    return describeStripeEvent(event) as WebhookActionResult
  }

  /**
   * Completes an event `getWebhookActionAndData` marked `needs_resolution`, during processing: asks
   * Stripe for what the event lacks (the PaymentIntent that names the session and what was captured, the
   * charge's refunds, a processing intent's payment method) and maps the event again from `payload`, the
   * verified body; the `action` and `data` passed in are what the acknowledgement made of that same body,
   * so they add nothing. An event whose PaymentIntent has no session is not Medusa's: `not_supported`
   * with `data.session_id: null`. Throws a MedusaError when Stripe fails, so processing retries.
   */
  async resolveWebhookEvent({ payload }: ResolvableWebhookEvent & { payload: unknown }): Promise<ResolvableWebhookEvent> {
    if (!isStripeEvent(payload)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        "stripe provider: resolveWebhookEvent needs the verified Stripe event as payload"
      )
    }
    try {
      return await resolveStripeEvent(this.stripe_, payload)
    } catch (error) {
      throw toMedusaError("resolveWebhookEvent", error)
    }
  }

  private async cancelIntent(
    id: string,
    context: PaymentProviderContext | undefined,
    operation: string
  ): Promise<Stripe.PaymentIntent> {
    try {
      return await this.stripe_.paymentIntents.cancel(id, {}, { idempotencyKey: context?.idempotency_key })
    } catch (error) {
      return this.intentAlreadyIn("canceled", id, error, operation)
    }
  }

  /**
   * Turns Stripe's "unexpected state" refusal into success when the intent is already where the operation
   * wanted it (a retried capture or cancel); rethrows anything else as a MedusaError.
   */
  private async intentAlreadyIn(
    status: Stripe.PaymentIntent.Status,
    id: string,
    error: unknown,
    operation: string
  ): Promise<Stripe.PaymentIntent> {
    if (isStripeError(error, STRIPE_ERROR_CODES.intentUnexpectedState)) {
      const intent =
        error.payment_intent?.status === status
          ? error.payment_intent
          : await this.stripe_.paymentIntents.retrieve(id).catch(() => undefined)
      if (intent?.status === status) {
        return intent
      }
    }
    throw toMedusaError(operation, error)
  }
}
