import type { WebhookEventFacts } from "../types"

/**
 * The columns of an inbox row taken from a provider's `{ action, data }`: plain values, whatever
 * types the provider used (an amount as a string, a date as a number of milliseconds).
 */
export function eventFactsFrom(action: string, data: Record<string, unknown>): WebhookEventFacts {
  return {
    action,
    event_type: stringOrNull(data.event_type),
    session_id: stringOrNull(data.session_id),
    amount: numberOrNull(data.amount),
    currency_code: stringOrNull(data.currency_code)?.toLowerCase() ?? null,
    occurred_at: dateOrNull(data.occurred_at),
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === "") {
    return null
  }
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : null
}

function dateOrNull(value: unknown): Date | null {
  if (typeof value !== "string" && typeof value !== "number" && !(value instanceof Date)) {
    return null
  }
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}
