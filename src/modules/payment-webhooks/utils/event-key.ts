import { createHash } from "node:crypto"

/**
 * The deduplication key of a delivery: the provider's own event id when it reports one, otherwise the
 * SHA-256 of the raw body (so providers that do not return an id, like @medusajs/payment-stripe, are
 * still deduplicated: a retried delivery carries the same bytes).
 */
export function webhookEventKey(eventId: unknown, rawBody: Buffer | string): string {
  if (typeof eventId === "string" && eventId.trim() !== "") {
    return eventId.trim()
  }
  return `sha256:${createHash("sha256").update(rawBody).digest("hex")}`
}
