/**
 * What this plugin asks of a payment provider's webhook side, beyond Medusa's own contract
 * (`getWebhookActionAndData` returning `{ action, data: { session_id, amount } }`). Every field is
 * optional: a provider that returns only Medusa's fields still works, deduplicated by the body's hash.
 */

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

/** `data` of a provider's `getWebhookActionAndData` result, as this plugin reads it. */
export interface PaymentWebhookData {
  /** The Medusa payment session the event is about; null when it is not (yet) known. */
  session_id: string | null
  /** The amount the event is about, in major units. */
  amount: number | null
  currency_code?: string | null
  /** The provider's event id: the deduplication key (else the SHA-256 of the body is). */
  event_id?: string
  event_type?: string
  /** When the provider created the event (ISO 8601). */
  occurred_at?: string
  /** `refunded`: the refund the event is about. */
  refund?: PaymentWebhookRefund
  /** `refunded`: every refund of the payment the provider knows of (recorded once each). */
  refunds?: PaymentWebhookRefund[]
  /** `refunded`: what the provider captured in total, so a refund arriving first can record it. */
  captured_amount?: number
  /** `disputed`: the dispute. */
  dispute?: PaymentWebhookDispute
  /**
   * The acknowledgement does no network I/O, so a provider that must ask its API to complete the
   * event (find the session of a refund, list a charge's refunds) sets this and implements
   * `resolveWebhookEvent`, which processing calls - and retries - before acting.
   */
  needs_resolution?: boolean
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
