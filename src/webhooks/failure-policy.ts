/** How long providers keep re-delivering an event (Stripe: up to three days). */
export const PROVIDER_RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000

/** A failed attempt, as far as the retry decision needs it. */
export interface FailedAttempt {
  attempts: number
  maxAttempts: number
  /** MedusaError type of the failure, when it was one. */
  errorType?: string
  /** The provider's event time. */
  occurredAt: Date | null
  now: Date
}

/**
 * Whether a failed event gets another attempt. It does not after the last attempt, nor when it can
 * never succeed: its session does not exist and the event is older than the provider's retry
 * window (the session was not merely being created at the same moment; it is gone or never was).
 */
export function shouldRetry(attempt: FailedAttempt): boolean {
  if (attempt.attempts >= attempt.maxAttempts) {
    return false
  }
  const stale = attempt.occurredAt !== null && attempt.now.getTime() - attempt.occurredAt.getTime() > PROVIDER_RETRY_WINDOW_MS
  return !(attempt.errorType === "not_found" && stale)
}
