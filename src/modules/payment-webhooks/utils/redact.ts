/** Keys whose values say what happened to the money, not who paid it. */
const KEPT_KEYS = new Set([
  "id",
  "object",
  "type",
  "action",
  "status",
  "created",
  "currency",
  "currency_code",
  "reason",
  "livemode",
  "api_version",
  "occurred_at",
])

const KEPT_PATTERNS = [/_id$/, /^amount/, /_amount$/, /^event_/]

const isKept = (key: string) => KEPT_KEYS.has(key) || KEPT_PATTERNS.some((pattern) => pattern.test(key))

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(redactValue).filter((item) => item !== undefined)
    return items.length ? items : undefined
  }
  if (value === null || typeof value !== "object") {
    return undefined
  }
  const kept: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const redacted = child !== null && typeof child === "object" ? redactValue(child) : isKept(key) ? child : undefined
    if (redacted !== undefined) {
      kept[key] = redacted
    }
  }
  return Object.keys(kept).length ? kept : undefined
}

/**
 * The payload of a finished row with only its ids, amounts, currencies, types and statuses left:
 * names, emails, addresses, card details and free-text metadata are dropped. Marked
 * `redacted: true` so nobody mistakes it for the delivery.
 */
export function redactWebhookPayload(payload: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!payload) {
    return payload
  }
  return { ...((redactValue(payload) as Record<string, unknown> | undefined) ?? {}), redacted: true }
}
