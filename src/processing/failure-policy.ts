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

/**
 * The id of the step that fails when cart completion fails: Medusa names a sub-workflow run as a
 * step `<workflow id>-as-step`, and `completeCartWorkflow`'s id is `complete-cart`.
 */
export const CART_COMPLETION_STEP_ID = "complete-cart-as-step"

/** A failed workflow run, as far as the decisions after it need it. */
export interface WorkflowFailure {
  /** `step: message`, trimmed, for the row's `last_error`. */
  message: string
  /** MedusaError type of the failure, when it was one. */
  type?: string
  /** The id of the step that failed. */
  action?: string
}

/**
 * Workflow errors arrive as plain objects (`{ action, error: { message, type } }`), not `Error`s;
 * this keeps the first one's step, message and type.
 */
export function describeWorkflowErrors(errors: unknown[]): WorkflowFailure {
  const first = errors[0] as { action?: string; error?: { message?: string; type?: string } | string } | undefined
  const detail = typeof first?.error === "string" ? first.error : first?.error?.message
  const message = `${first?.action ? `${first.action}: ` : ""}${detail ?? "unknown error"}`
  return {
    message: message.slice(0, 1000),
    type: typeof first?.error === "object" ? first.error.type : undefined,
    action: first?.action,
  }
}

/**
 * MedusaError types that mean a cart can never become an order as it is: an item is out of stock
 * or no longer sold (`not_allowed`, `invalid_data`), the cart is gone (`not_found`), the payment
 * was refused. Anything else (a lock that timed out, a database hiccup, an unknown error) is
 * transient: the event is retried and no money is given back.
 */
const PERMANENT_COMPLETION_ERRORS: ReadonlySet<string> = new Set([
  "not_found",
  "not_allowed",
  "invalid_data",
  "invalid_argument",
  "payment_authorization_error",
])

/** Whether the run failed in cart completion, for good (see `PERMANENT_COMPLETION_ERRORS`). */
export function cartCannotBeCompleted(failure: WorkflowFailure): boolean {
  return failure.action === CART_COMPLETION_STEP_ID && PERMANENT_COMPLETION_ERRORS.has(failure.type ?? "")
}
