/** Where an inbox row is in its life (the admin API's `status`). */
export type PaymentWebhookStatus = "received" | "processing" | "processed" | "ignored" | "failed" | "dead"

/** Every status, in the order the pages show them. */
export const PAYMENT_WEBHOOK_STATUSES: readonly PaymentWebhookStatus[] = ["received", "processing", "processed", "ignored", "failed", "dead"]

/** One processing attempt as `GET /admin/payment-webhooks/:id` shows it. */
export type PaymentWebhookAttempt = {
  id: string
  attempt: number
  worker: string
  started_at: string
  ended_at: string | null
  result: string
  error: string | null
  outcome: string | null
  trigger: "automatic" | "replay" | "forced_replay"
  requested_by: string | null
}

/** An inbox row as the admin API answers it. */
export type PaymentWebhook = {
  id: string
  provider_id: string
  event_key: string
  event_type: string | null
  action: string | null
  source: "webhook" | "reconciler"
  status: PaymentWebhookStatus
  session_id: string | null
  cart_id: string | null
  order_id: string | null
  amount: number | null
  currency_code: string | null
  occurred_at: string | null
  attempts: number
  next_attempt_at: string | null
  last_error: string | null
  outcome: string | null
  deliveries: number
  processed_at: string | null
  created_at: string
  updated_at: string
  payload?: unknown
  attempt_history?: PaymentWebhookAttempt[]
}

/** `GET /admin/payment-webhooks`. */
export type PaymentWebhookListResponse = {
  payment_webhooks: PaymentWebhook[]
  count: number
  offset: number
  limit: number
  summary: Record<PaymentWebhookStatus, number>
}

/** What `POST /admin/payment-webhooks/:id/replay` did (see the README's table). */
export type ReplayResult = "processed" | "failed" | "dead" | "already_running" | "skipped" | "lease_lost"

/** `POST /admin/payment-webhooks/:id/replay`. */
export type ReplayResponse = { payment_webhook: PaymentWebhook; result: ReplayResult }

/** The list's filters as the pages keep them (in the URL). */
export type PaymentWebhookListFilters = {
  status?: PaymentWebhookStatus[]
  provider_id?: string[]
  event_type?: string
  q?: string
  order_id?: string[]
  session_id?: string[]
  cart_id?: string[]
  offset?: number
  limit?: number
}
