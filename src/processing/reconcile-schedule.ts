/**
 * When the reconciler asks a provider about a payment session. Pure, so the rule is tested without
 * a database or a clock.
 *
 * A session becomes due `afterMs` after it was created (its webhook had that long to arrive). After
 * the n-th check the next one is `afterMs x 2^(n-1)` later, capped at `maxIntervalMs`: with the
 * defaults (10 min, 4 h) a session is asked about after 10 min, then 10, 20, 40, 80, 160 min later
 * and every 4 h after that - an abandoned checkout costs 46 provider calls in the 7-day window
 * instead of one a minute. Sessions outside the window (younger than `afterMs`, older than
 * `windowMs`) are never due.
 */

/** Longest wait between two checks of the same session, unless `afterMs` itself is longer. */
export const RECONCILE_MAX_INTERVAL_MS = 4 * 60 * 60 * 1000

/** The reconciler's timing options. */
export interface ReconcileTiming {
  /** A session's age before the first check (`reconcileAfterMs`). */
  afterMs: number
  /** A session's age after which it is never checked again (`reconcileWindowMs`). */
  windowMs: number
  /** Cap of the growing interval; default `RECONCILE_MAX_INTERVAL_MS`. */
  maxIntervalMs?: number
}

/** What the reconciler remembers about a session (a `payment_session_check` row), if anything. */
export interface SessionCheckState {
  checks: number
  next_check_at: Date | null
}

/**
 * The wait after the `checks`-th check (1 = the first) before the next one: `afterMs`, doubling per
 * check, capped at `maxIntervalMs` (or at `afterMs` when that is longer).
 */
export function checkIntervalMs(checks: number, timing: ReconcileTiming): number {
  const cap = Math.max(timing.afterMs, timing.maxIntervalMs ?? RECONCILE_MAX_INTERVAL_MS)
  const exponent = Math.min(Math.max(0, checks - 1), 40)
  return Math.min(cap, timing.afterMs * 2 ** exponent)
}

/** When the next check is due: `afterMs` after creation, then whatever the last check decided. */
export function sessionDueAt(createdAt: Date, check: SessionCheckState | undefined, timing: ReconcileTiming): Date {
  if (check?.next_check_at) {
    return new Date(check.next_check_at)
  }
  return new Date(new Date(createdAt).getTime() + timing.afterMs)
}

/** Whether the session should be asked about at `now`: inside the window and its check is due. */
export function isSessionCheckDue(
  createdAt: Date,
  check: SessionCheckState | undefined,
  now: Date,
  timing: ReconcileTiming
): boolean {
  const age = now.getTime() - new Date(createdAt).getTime()
  if (age < timing.afterMs || age >= timing.windowMs) {
    return false
  }
  return sessionDueAt(createdAt, check, timing).getTime() <= now.getTime()
}

/** When to ask again about a session that has now been checked `checksBefore + 1` times. */
export function nextCheckAt(now: Date, checksBefore: number, timing: ReconcileTiming): Date {
  return new Date(now.getTime() + checkIntervalMs(checksBefore + 1, timing))
}
