/** Where an inbox row is in its life. `dead` rows are kept for audit and manual replay. */
export const WEBHOOK_EVENT_STATUSES = [
  "received",
  "processing",
  "processed",
  "ignored",
  "failed",
  "dead",
] as const

/** Status of an inbox row (see `WEBHOOK_EVENT_STATUSES`). */
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number]

/**
 * Options of the plugin (and of its inbox module, which Medusa hands the plugin's options to).
 * Every option is validated at start-up by `resolvePaymentWebhooksOptions`.
 */
export interface PaymentWebhooksOptions {
  /** Largest webhook body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number
  /** Processing attempts before a row is marked `dead`. Default 8. */
  maxAttempts?: number
  /** First retry delay in milliseconds; doubles per attempt, with jitter. Default 5 s. */
  retryBaseDelayMs?: number
  /** Upper bound of a single retry delay in milliseconds. Default 1 h. */
  retryMaxDelayMs?: number
  /** How long a row may stay `processing` before it is considered abandoned (crash). Default 2 min. */
  processingLeaseMs?: number
  /** Rows picked up per run of the recovery job. Default 50. */
  recoveryBatchSize?: number
}

/** `PaymentWebhooksOptions` with every default applied. */
export type ResolvedPaymentWebhooksOptions = Required<PaymentWebhooksOptions>

/** What a provider told about an event, as the inbox stores it. */
interface WebhookEventFacts {
  provider_id: string
  event_key: string
  event_type: string | null
  action: string
  session_id: string | null
  amount: number | null
  currency_code: string | null
  occurred_at: Date | null
}

/** What the HTTP route hands the inbox after the provider verified and mapped an event. */
export interface RecordWebhookEventInput extends WebhookEventFacts {
  payload: Record<string, unknown>
  /** `ignored` for events that are verified but not ours to act on. */
  status: Extract<WebhookEventStatus, "received" | "ignored">
}

/** An inbox row as the service returns it. */
export interface PaymentWebhookEventDTO extends WebhookEventFacts {
  id: string
  status: WebhookEventStatus
  attempts: number
  next_attempt_at: Date | null
  last_error: string | null
  outcome: string | null
  deliveries: number
  payload: Record<string, unknown> | null
  processed_at: Date | null
  created_at: Date
  updated_at: Date
}

/** Result of recording a delivery: the row, and whether this delivery created it. */
export interface RecordWebhookEventResult {
  event: PaymentWebhookEventDTO
  created: boolean
}
