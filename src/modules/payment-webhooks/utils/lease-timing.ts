/** The timings a processing lease implies; derived, so they cannot disagree with each other. */
export interface LeaseTimings {
  /** How often a worker renews its lease (and its cart lock): a third of the lease, so two renewals may fail. */
  heartbeatIntervalMs: number
  /** Expiry of the cart lock, renewed with the lease: a dead worker's lock runs out when its lease does. */
  lockTtlSeconds: number
  /** How long a worker waits for the cart lock (the storefront, or another event of the same cart). */
  lockTimeoutSeconds: number
}

/** Derives the heartbeat and the cart lock's expiry and wait from `processingLeaseMs`. */
export function leaseTimings(processingLeaseMs: number): LeaseTimings {
  return {
    heartbeatIntervalMs: Math.floor(processingLeaseMs / 3),
    lockTtlSeconds: Math.ceil(processingLeaseMs / 1000),
    lockTimeoutSeconds: Math.ceil((3 * processingLeaseMs) / 1000),
  }
}
