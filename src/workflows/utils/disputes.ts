/** A dispute as the plugin keeps it on the payment (`payment.metadata.disputes[id]`). */
export interface StoredDispute {
  id: string
  status: string
  amount: number
  reason: string | null
  /** The provider's event time of the newest event applied. */
  occurred_at: string | null
}

const CLOSED = new Set(["won", "lost", "warning_closed", "prevented"])
const UNDER_REVIEW = new Set(["under_review", "warning_under_review"])

/** How far a dispute has gone: needing a response < under review < closed. */
const stage = (status: string) => (CLOSED.has(status) ? 2 : UNDER_REVIEW.has(status) ? 1 : 0)

/**
 * Folds one dispute event into what is stored, whatever the order of arrival: the newest event
 * (by the provider's time, ties broken by how far the dispute has gone) wins, except that a closed
 * dispute is never reopened by an open status. Returns null when the stored state already says at least as much.
 */
export function mergeDispute(existing: StoredDispute | undefined, incoming: StoredDispute): StoredDispute | null {
  if (!existing) {
    return incoming
  }
  const existingClosed = CLOSED.has(existing.status)
  const incomingClosed = CLOSED.has(incoming.status)
  if (existingClosed && !incomingClosed) {
    return null
  }
  const incomingAt = incoming.occurred_at ?? ""
  const existingAt = existing.occurred_at ?? ""
  // Provider times have whole-second resolution: on a tie, the further stage is the later one.
  const newer = incomingAt > existingAt || (incomingAt === existingAt && stage(incoming.status) > stage(existing.status))
  if (newer || (incomingClosed && !existingClosed)) {
    return { ...existing, ...incoming }
  }
  return null
}
