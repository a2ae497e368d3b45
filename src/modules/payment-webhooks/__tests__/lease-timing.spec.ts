import { leaseTimings } from "../utils/lease-timing"

describe("leaseTimings", () => {
  it("derives the defaults from the 10 s lease: heartbeat every 3.3 s, lock kept 10 s, waited for 30 s", () => {
    expect(leaseTimings(10_000)).toEqual({ heartbeatIntervalMs: 3_333, lockTtlSeconds: 10, lockTimeoutSeconds: 30 })
  })

  it("renews at least twice within one lease, so a single slow renewal does not lose it", () => {
    for (const lease of [3_000, 4_500, 10_000, 61_000, 120_000]) {
      const { heartbeatIntervalMs } = leaseTimings(lease)
      expect(heartbeatIntervalMs * 2).toBeLessThan(lease)
    }
  })

  it("never lets the cart lock expire before the lease (whole seconds, rounded up)", () => {
    for (const lease of [3_000, 3_001, 4_500, 10_000, 61_000]) {
      expect(leaseTimings(lease).lockTtlSeconds * 1000).toBeGreaterThanOrEqual(lease)
    }
  })
})
