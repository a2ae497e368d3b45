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

/**
 * Folds one dispute event into what is stored, whatever the order of arrival: the newest event
 * (by the provider's time) wins, except that a closed dispute is never reopened by an older or
 * same-time open status. Returns null when the stored state already says at least as much.
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
  const newer = (incoming.occurred_at ?? "") > (existing.occurred_at ?? "")
  if (newer || (incomingClosed && !existingClosed)) {
    return { ...existing, ...incoming }
  }
  return null
}
