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
 * Where a row came from: a provider's webhook, or the reconciler, which asked the provider about a
 * payment whose webhook never arrived and stored what it learnt as an event.
 */
export const WEBHOOK_EVENT_SOURCES = ["webhook", "reconciler"] as const

/** Source of an inbox row (see `WEBHOOK_EVENT_SOURCES`). */
export type WebhookEventSource = (typeof WEBHOOK_EVENT_SOURCES)[number]

/**
 * How one processing attempt ended. `abandoned`: its worker stopped renewing the lease (it died) and
 * another took the row over; `lease_lost`: its worker was still running when it found out.
 */
export const WEBHOOK_ATTEMPT_RESULTS = [
  "running",
  "processed",
  "ignored",
  "failed",
  "dead",
  "abandoned",
  "lease_lost",
] as const

/** Result of a processing attempt (see `WEBHOOK_ATTEMPT_RESULTS`). */
export type WebhookAttemptResult = (typeof WEBHOOK_ATTEMPT_RESULTS)[number]

/**
 * What started a processing attempt: `automatic` (the subscriber, the recovery job, the reconciler),
 * `replay` (someone asked for a `failed` or `dead` row to be processed again) or `forced_replay`
 * (someone asked for a finished - `processed` or `ignored` - row to be processed again).
 */
export const WEBHOOK_ATTEMPT_TRIGGERS = ["automatic", "replay", "forced_replay"] as const

/** Trigger of a processing attempt (see `WEBHOOK_ATTEMPT_TRIGGERS`). */
export type WebhookAttemptTrigger = (typeof WEBHOOK_ATTEMPT_TRIGGERS)[number]

/**
 * Options of the plugin (and of its inbox module, which Medusa hands the plugin's options to).
 * Every option is validated at start-up by `resolvePaymentWebhooksOptions`.
 */
export interface PaymentWebhooksOptions {
  /** Largest webhook body accepted, in bytes; larger bodies are refused while they are read. Default 1 MiB. */
  maxBodyBytes?: number
  /** Processing attempts before a row is marked `dead`. Default 8. */
  maxAttempts?: number
  /** First retry delay in milliseconds; doubles per attempt, with jitter. Default 5 s. */
  retryBaseDelayMs?: number
  /** Upper bound of a single retry delay in milliseconds. Default 1 h. */
  retryMaxDelayMs?: number
  /**
   * The lease of a worker on the row it processes, in milliseconds. The worker renews it every third
   * of the lease while it works; a row whose lease ran out (its worker died) is taken over. The cart
   * lock's expiry and wait are derived from it. Default 10 s, at least 3 s.
   */
  processingLeaseMs?: number
  /** Rows read per query by the recovery job. Default 50. */
  recoveryBatchSize?: number
  /** Rows the recovery job processes at the same time. Default 4. */
  recoveryConcurrency?: number
  /** Ask providers about payments whose webhooks never came (the reconciler job). Default `true`. */
  reconcile?: boolean
  /** Age in milliseconds a session without an order must have before the reconciler asks about it. Default 10 min. */
  reconcileAfterMs?: number
  /** Sessions older than this (milliseconds) are never asked about. Default 7 days (a card authorization's life). */
  reconcileWindowMs?: number
  /** Sessions the reconciler asks about per run, at most. Default 25. */
  reconcileBatchSize?: number
  /** Days `processed` and `ignored` rows are kept; `failed` and `dead` rows are kept until resolved. Default 30. */
  retentionDays?: number
  /** Replace the payload of a finished row by its ids, amounts and types (drops addresses, emails, ...). Default `false`. */
  redactPayloads?: boolean
}

/** `PaymentWebhooksOptions` with every default applied. */
export type ResolvedPaymentWebhooksOptions = Required<PaymentWebhooksOptions>

/** What a provider told about an event, as the inbox stores it. */
export interface WebhookEventFacts {
  event_type: string | null
  action: string
  session_id: string | null
  amount: number | null
  currency_code: string | null
  occurred_at: Date | null
}

/** What the HTTP route (or the reconciler) hands the inbox after the provider verified and mapped an event. */
export interface RecordWebhookEventInput extends WebhookEventFacts {
  provider_id: string
  event_key: string
  payload: Record<string, unknown>
  /** `ignored` for events that are verified but not ours to act on. */
  status: Extract<WebhookEventStatus, "received" | "ignored">
  /** Default `webhook`. */
  source?: WebhookEventSource
}

/** An inbox row as the service returns it. */
export interface PaymentWebhookEventDTO extends WebhookEventFacts {
  id: string
  provider_id: string
  event_key: string
  status: WebhookEventStatus
  source: WebhookEventSource
  cart_id: string | null
  order_id: string | null
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

/** One processing attempt of a row, as the service returns it. */
export interface PaymentWebhookAttemptDTO {
  id: string
  event_id: string
  attempt: number
  worker: string
  started_at: Date
  ended_at: Date | null
  result: WebhookAttemptResult
  error: string | null
  outcome: string | null
  /** What started the attempt. */
  trigger: WebhookAttemptTrigger
  /** Who asked for a replay (an admin user id), or null. */
  requested_by: string | null
}

/** Result of recording a delivery: the row (without its payload), and whether this delivery created it. */
export interface RecordWebhookEventResult {
  event: Omit<PaymentWebhookEventDTO, "payload">
  created: boolean
}

/** Who claims a row, and how (see `claimEvent`). */
export interface ClaimWebhookEventInput {
  /** `host:pid` of the claiming process, recorded on the attempt. */
  worker: string
  /** Take a `failed` or `dead` row now, whatever its schedule (a replay). */
  force?: boolean
  /** With `force`: also take a `processed` or `ignored` row (a forced replay). */
  reopenFinished?: boolean
  /** Who asked for the replay (an admin user id), recorded on the attempt. */
  requestedBy?: string | null
}

/**
 * A row taken for processing: the row, the fencing token of this claim (its attempt number) and
 * the status the row had just before the claim.
 */
export interface ClaimedWebhookEvent {
  event: PaymentWebhookEventDTO
  token: number
  previousStatus: WebhookEventStatus
}

/** How a worker finishes a claimed row. */
export type FinishWebhookEventInput =
  | {
      status: "processed" | "ignored"
      outcome: string | null
      order_id?: string | null
      payload?: Record<string, unknown> | null
    }
  | { status: "failed"; error: string; retryAt: Date; outcome?: string | null }
  | { status: "dead"; error: string; outcome?: string | null }
