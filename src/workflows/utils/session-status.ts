/** Payment session statuses (Medusa's `PaymentSessionStatus` values). */
export type SessionStatus =
  | "pending"
  | "requires_more"
  | "pending_authorization"
  | "authorized"
  | "captured"
  | "error"
  | "canceled"

const PROGRESS: Record<string, number> = {
  pending: 0,
  requires_more: 1,
  pending_authorization: 1,
  authorized: 2,
  captured: 3,
}

/**
 * The forward-only rule for webhook-driven session status: pending < requires_more /
 * pending_authorization < authorized < captured. A failure or cancellation applies only before
 * authorization; a session that failed can still progress (the shopper retried), but never back to
 * `pending`; a canceled one stays canceled. Returns the status to write, or null when the incoming
 * status is superseded by what the session already reached.
 */
export function nextSessionStatus(current: string, incoming: SessionStatus): SessionStatus | null {
  if (current === incoming || current === "canceled") {
    return null
  }
  const reached = PROGRESS[current]
  if (incoming === "error" || incoming === "canceled") {
    return reached === undefined || reached < PROGRESS.authorized ? incoming : null
  }
  if (current === "error") {
    return incoming === "pending" ? null : incoming
  }
  return (PROGRESS[incoming] ?? -1) > (reached ?? -1) ? incoming : null
}

/** The session status a non-money webhook action asks for, or null for actions that move money. */
export function sessionStatusForAction(action: string): SessionStatus | null {
  switch (action) {
    case "pending":
      return "pending"
    case "requires_more":
      return "requires_more"
    case "pending_authorization":
      return "pending_authorization"
    case "failed":
      return "error"
    case "canceled":
      return "canceled"
    default:
      return null
  }
}
