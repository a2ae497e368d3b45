/** Parameters of the retry schedule. */
export interface BackoffPolicy {
  baseDelayMs: number
  maxDelayMs: number
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential (base x 2^(attempt-1)), capped
 * at `maxDelayMs`, with "equal jitter" - a random point in the upper half of the window - so that a
 * burst of failures (a provider outage) does not come back as a synchronised burst of retries.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random
): number {
  const exponent = Math.max(0, attempt - 1)
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 40))
  const half = window / 2
  return Math.round(half + random() * half)
}
