import type { PaymentWebhook, PaymentWebhookListFilters, PaymentWebhookStatus, ReplayResult } from "./types"
import { PAYMENT_WEBHOOK_STATUSES } from "./types"

/** Colors of `@medusajs/ui`'s StatusBadge. */
export type BadgeColor = "green" | "red" | "blue" | "orange" | "grey" | "purple"

const STATUS_COLORS: Record<PaymentWebhookStatus, BadgeColor> = {
  received: "blue",
  processing: "purple",
  processed: "green",
  ignored: "grey",
  failed: "orange",
  dead: "red",
}

const DOT_CLASSES: Record<BadgeColor, string> = {
  green: "bg-ui-tag-green-icon",
  red: "bg-ui-tag-red-icon",
  blue: "bg-ui-tag-blue-icon",
  orange: "bg-ui-tag-orange-icon",
  grey: "bg-ui-tag-neutral-icon",
  purple: "bg-ui-tag-purple-icon",
}

/** The class of a coloured dot (status summary, timeline) in a badge colour. */
export function dotClass(color: BadgeColor): string {
  return DOT_CLASSES[color]
}

/** The badge color of a row's status: dead red, failed orange, processed green. */
export function statusColor(status: string): BadgeColor {
  return STATUS_COLORS[status as PaymentWebhookStatus] ?? "grey"
}

/** "received" -> "Received". */
export function statusLabel(status: string): string {
  return status ? status[0].toUpperCase() + status.slice(1).replace(/_/g, " ") : "-"
}

/** An amount in major units with its currency ("€42.50"), or "-" when the row has none. */
export function formatAmount(amount: number | null | undefined, currencyCode: string | null | undefined, locale?: string): string {
  if (amount === null || amount === undefined) {
    return "-"
  }
  if (!currencyCode) {
    return String(amount)
  }
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode.toUpperCase() }).format(amount)
  } catch {
    return `${amount} ${currencyCode.toUpperCase()}`
  }
}

/** A timestamp as the pages show it, or "-". */
export function formatDateTime(value: string | null | undefined, locale?: string): string {
  if (!value) {
    return "-"
  }
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "medium" })
}

/** How long an attempt ran ("1.2 s", "340 ms"), or null while it runs. */
export function formatDuration(startedAt: string, endedAt: string | null): string | null {
  if (!endedAt) {
    return null
  }
  const ms = new Date(endedAt).getTime() - new Date(startedAt).getTime()
  if (!Number.isFinite(ms) || ms < 0) {
    return null
  }
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

const LIST_KEYS = ["status", "provider_id", "order_id", "session_id", "cart_id"] as const

/** The list's filters read from the page's URL (`?status=dead,failed&q=evt_&offset=20`); unknown statuses are dropped. */
export function filtersFromSearchParams(params: URLSearchParams): PaymentWebhookListFilters {
  const filters: PaymentWebhookListFilters = {}
  for (const key of LIST_KEYS) {
    const values = (params.get(key) ?? "").split(",").map((value) => value.trim()).filter(Boolean)
    if (values.length) {
      filters[key] = values as never
    }
  }
  if (filters.status) {
    filters.status = filters.status.filter((status) => PAYMENT_WEBHOOK_STATUSES.includes(status))
    if (!filters.status.length) {
      delete filters.status
    }
  }
  const eventType = params.get("event_type")?.trim()
  if (eventType) {
    filters.event_type = eventType
  }
  const q = params.get("q")?.trim()
  if (q) {
    filters.q = q
  }
  const offset = Number(params.get("offset"))
  if (Number.isInteger(offset) && offset > 0) {
    filters.offset = offset
  }
  return filters
}

/** The filters written back to the page's URL; empty ones are left out. */
export function filtersToSearchParams(filters: PaymentWebhookListFilters): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of LIST_KEYS) {
    const values = filters[key]
    if (values?.length) {
      params.set(key, values.join(","))
    }
  }
  if (filters.event_type) {
    params.set("event_type", filters.event_type)
  }
  if (filters.q) {
    params.set("q", filters.q)
  }
  if (filters.offset) {
    params.set("offset", String(filters.offset))
  }
  return params
}

/** The query string of `GET /admin/payment-webhooks` for the filters (lists comma-separated, as the API reads them). */
export function listQuery(filters: PaymentWebhookListFilters, pageSize: number): Record<string, string | number> {
  const query: Record<string, string | number> = { limit: filters.limit ?? pageSize, offset: filters.offset ?? 0 }
  for (const key of LIST_KEYS) {
    const values = filters[key]
    if (values?.length) {
      query[key] = values.join(",")
    }
  }
  if (filters.event_type) {
    query.event_type = filters.event_type
  }
  if (filters.q) {
    query.q = filters.q
  }
  return query
}

/** What the Replay button does for a row in this status. */
export type ReplayPlan =
  | { allowed: true; force: boolean; confirm: boolean }
  | { allowed: false; reason: string }

/**
 * `failed`, `dead` and `received` rows are replayed as they are; `processed` and `ignored` ones only
 * by force, after the operator confirms; a row being processed now cannot be replayed.
 */
export function replayPlan(status: PaymentWebhookStatus): ReplayPlan {
  switch (status) {
    case "processed":
    case "ignored":
      return { allowed: true, force: true, confirm: true }
    case "processing":
      return { allowed: false, reason: "A worker is processing this webhook right now." }
    default:
      return { allowed: true, force: false, confirm: false }
  }
}

/** The toast a replay's answer deserves: what happened, in the operator's words. */
export function replayOutcome(result: ReplayResult, row: Pick<PaymentWebhook, "status" | "last_error">): {
  kind: "success" | "warning" | "error"
  message: string
} {
  switch (result) {
    case "processed":
      return { kind: "success", message: `Replayed: the webhook is ${row.status} now.` }
    case "already_running":
      return { kind: "warning", message: "Already being processed (another click or the retry job): nothing was done." }
    case "skipped":
      return { kind: "warning", message: `The webhook finished meanwhile (${row.status}): nothing was done.` }
    case "lease_lost":
      return { kind: "warning", message: "Another worker took this webhook over while the replay ran." }
    case "failed":
      return { kind: "error", message: `The replay failed; it will be retried on its schedule.${row.last_error ? ` ${row.last_error}` : ""}` }
    case "dead":
      return { kind: "error", message: `The replay failed and the webhook is dead again.${row.last_error ? ` ${row.last_error}` : ""}` }
  }
}

/** Rows from several lists, each once, oldest first (by when the provider says it happened, else when it was stored). */
export function mergeTimeline(...lists: PaymentWebhook[][]): PaymentWebhook[] {
  const byId = new Map<string, PaymentWebhook>()
  for (const row of lists.flat()) {
    byId.set(row.id, row)
  }
  const time = (row: PaymentWebhook) => new Date(row.occurred_at ?? row.created_at).getTime()
  return [...byId.values()].sort((a, b) => time(a) - time(b) || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
}
