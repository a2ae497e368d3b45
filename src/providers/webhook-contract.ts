import type { PaymentActions, ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"

/**
 * What this plugin asks of a payment provider's webhook side, beyond Medusa's own contract
 * (`getWebhookActionAndData` returning `{ action, data: { session_id, amount } }`). Every field is
 * optional: a provider that returns only Medusa's fields still works, deduplicated by the body's hash.
 */

/**
 * What a webhook asks Medusa to do: one of Medusa's `PaymentActions`, or `refunded` / `disputed`,
 * which this plugin's workflow records (refunds made at the provider, chargebacks).
 */
export type WebhookAction = PaymentActions | "refunded" | "disputed"

/** An action the plugin applies, as opposed to `not_supported`. */
export type ActionableWebhookAction = Exclude<WebhookAction, "not_supported">

/** A refund as a provider reports it; `amount` in major units. */
export interface PaymentWebhookRefund {
  /** The provider's refund id: each one is recorded on the Medusa payment once. */
  id: string
  amount: number
  /** `failed` and `canceled` refunds are not recorded. */
  status?: string | null
  /** The id of the Medusa refund this provider refund was made for, when Medusa issued it. */
  medusa_refund_id?: string | null
}

/** A dispute (chargeback) as a provider reports it; `amount` in major units. */
export interface PaymentWebhookDispute {
  id: string
  status: string
  amount: number
  reason: string | null
}

/**
 * `data` of a provider's `getWebhookActionAndData` result (or of each item of `getWebhookEvents`),
 * as this plugin reads it. Plain JSON: it is stored on the inbox row as it is.
 */
export interface PaymentWebhookData {
  /**
   * The Medusa payment session the event is about (providers put it on the payment when
   * `initiatePayment` creates it); null when the event is not about a Medusa payment, or when only
   * the provider's API can say (then set `needs_resolution`).
   */
  session_id: string | null
  /**
   * The amount the event is about, in MAJOR units of `currency_code` (`10.5` EUR, `1234` JPY,
   * `12.345` KWD), as Medusa keeps amounts; never the provider's smallest unit.
   */
  amount: number | null
  /** ISO 4217 code of `amount`, any case (stored lower-case). */
  currency_code?: string | null
  /**
   * The provider's id of the EVENT (not of the payment): the deduplication key of the inbox, so it
   * must be the same on every redelivery of the event and differ between events. Without it the
   * SHA-256 of the body is the key, which only matches byte-identical redeliveries.
   */
  event_id?: string
  /** The provider's name for the event (`payment_intent.succeeded`, `AUTHORISATION`); shown and filtered on. */
  event_type?: string
  /** When the provider created the event (ISO 8601): orders late events and bounds retries. */
  occurred_at?: string
  /** `refunded`: the refund the event is about. */
  refund?: PaymentWebhookRefund
  /** `refunded`: every refund of the payment the provider knows of (recorded once each). */
  refunds?: PaymentWebhookRefund[]
  /** `refunded`: what the provider captured in total, so a refund arriving first can record it. */
  captured_amount?: number
  /**
   * `refunded`: what the event gave back of an authorization that was never captured (a canceled
   * authorized payment, the rest of a partial capture). Not a refund: keep it out of `refunds`; the
   * inbox row's outcome names it, and no Medusa refund is recorded for it.
   */
  released_amount?: number
  /** `disputed`: the dispute. */
  dispute?: PaymentWebhookDispute
  /**
   * The acknowledgement does no network I/O, so a provider that must ask its API to complete the
   * event (find the session of a refund, list a charge's refunds) sets this and implements
   * `resolveWebhookEvent`, which processing calls - and retries - before acting.
   */
  needs_resolution?: boolean
}

/** What a provider's webhook mapping returns: the action and the data this plugin reads. */
export interface PaymentWebhookEvent {
  action: WebhookAction
  data: PaymentWebhookData
}

/** The event of an inbox row as a provider's `resolveWebhookEvent` receives and returns it. */
export interface ResolvableWebhookEvent {
  action: string
  data: PaymentWebhookData
}

/**
 * Optional provider method for events that need the provider's API to be understood. Called during
 * processing (never while the webhook is acknowledged) with what `getWebhookActionAndData` returned
 * and the verified body; returns the completed event. Throw to have processing retried later;
 * return `data.session_id: null` for an event that turns out not to be about a Medusa payment.
 */
export interface WebhookEventResolver {
  resolveWebhookEvent(event: ResolvableWebhookEvent & { payload: unknown }): Promise<ResolvableWebhookEvent>
}

/**
 * Key of a payment's `data` under which a provider confirms the refunds Medusa issued through it:
 * `{ <Medusa refund id>: <provider refund id> }`. Medusa stores the `data` a provider's `refundPayment`
 * returns only when the call succeeded, so a confirmation tells a refund Medusa kept from one it
 * rolled back after the provider accepted it.
 */
export const MEDUSA_REFUNDS_DATA_KEY = "medusa_refunds"

/**
 * `data` as a provider's `refundPayment` should return it: unchanged, plus the confirmation that
 * the Medusa refund `medusaRefundId` (Medusa passes it as `context.idempotency_key`) is the provider's
 * refund `providerRefundId`. Tag the provider's refund with the Medusa id too, and report it as
 * `medusa_refund_id` in webhook data.
 */
export function withConfirmedMedusaRefund(
  data: Record<string, unknown> | undefined,
  medusaRefundId: string | undefined,
  providerRefundId: string
): Record<string, unknown> {
  if (!medusaRefundId) {
    return { ...data }
  }
  return { ...data, [MEDUSA_REFUNDS_DATA_KEY]: { ...confirmedMedusaRefunds(data), [medusaRefundId]: providerRefundId } }
}

/** The refunds a provider confirmed in a payment's `data` (see `MEDUSA_REFUNDS_DATA_KEY`). */
export function confirmedMedusaRefunds(data: Record<string, unknown> | null | undefined): Record<string, string> {
  const confirmed = data?.[MEDUSA_REFUNDS_DATA_KEY]
  return confirmed && typeof confirmed === "object" ? (confirmed as Record<string, string>) : {}
}

/** Whether a provider implements `resolveWebhookEvent`. */
export function canResolveWebhookEvents(provider: unknown): provider is WebhookEventResolver {
  return typeof (provider as Partial<WebhookEventResolver> | null)?.resolveWebhookEvent === "function"
}

/**
 * Optional provider method for providers that send several events in one request (Adyen's
 * `notificationItems`, each signed on its own). When a provider implements it, the webhook route calls
 * it INSTEAD of `getWebhookActionAndData`, and stores every item as its own inbox row in one
 * transaction: all of them or none.
 *
 * - Verify every item. If ONE item fails verification, throw (as `getWebhookActionAndData` would, e.g.
 *   with the kit's `invalidSignature`): the whole request is refused with the status a single event
 *   gets (400), nothing of it is stored, and the provider delivers the batch again (a genuine batch
 *   then succeeds once the configuration is fixed; a forged one never does).
 * - A verified item that is not about a Medusa payment is returned as `not_supported`: it is stored
 *   as `ignored` and acknowledged like a single event.
 * - Give every item its own `data.event_id`; an item without one is keyed by the SHA-256 of the body
 *   and its position.
 * - Processing passes the whole verified body to `resolveWebhookEvent` as `payload`; find the item in
 *   it by `data.event_id`.
 */
export interface WebhookBatchProvider {
  getWebhookEvents(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult[]>
}

/** Whether a provider implements {@link WebhookBatchProvider.getWebhookEvents}. */
export function canReceiveWebhookBatches(provider: unknown): provider is WebhookBatchProvider {
  return typeof (provider as Partial<WebhookBatchProvider> | null)?.getWebhookEvents === "function"
}

/** The body a provider wants its acknowledgements answered with, instead of the route's JSON. */
export interface WebhookAcknowledgement {
  /** `Content-Type` of the answer, e.g. `text/plain`. */
  contentType: string
  /** The exact body, e.g. Adyen's `[accepted]`. */
  body: string
}

/**
 * Optional provider method: the body of a 200 acknowledgement (a stored, duplicate or ignored
 * delivery), for providers that expect a fixed answer (Adyen: `[accepted]`). Refusals (4xx, 503)
 * keep the route's JSON body.
 */
export interface WebhookAcknowledger {
  webhookAcknowledgement(): WebhookAcknowledgement
}

/** Whether a provider implements {@link WebhookAcknowledger.webhookAcknowledgement}. */
export function acknowledgesWebhooksItself(provider: unknown): provider is WebhookAcknowledger {
  return typeof (provider as Partial<WebhookAcknowledger> | null)?.webhookAcknowledgement === "function"
}
