import { PROVIDER_RETRY_WINDOW_MS, shouldRetry, type FailedAttempt } from "../failure-policy"

const now = new Date("2026-03-01T12:00:00Z")
const ago = (ms: number) => new Date(now.getTime() - ms)

function attempt(overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  return { attempts: 1, maxAttempts: 8, occurredAt: ago(1_000), now, ...overrides }
}

describe("shouldRetry", () => {
  it("is Stripe's three days of re-deliveries", () => {
    expect(PROVIDER_RETRY_WINDOW_MS).toBe(3 * 24 * 60 * 60 * 1000)
  })

  it("retries while attempts are left", () => {
    expect(shouldRetry(attempt({ attempts: 1 }))).toBe(true)
    expect(shouldRetry(attempt({ attempts: 7 }))).toBe(true)
  })

  it("stops after the last attempt", () => {
    expect(shouldRetry(attempt({ attempts: 8 }))).toBe(false)
    expect(shouldRetry(attempt({ attempts: 9 }))).toBe(false)
    expect(shouldRetry(attempt({ attempts: 1, maxAttempts: 1 }))).toBe(false)
  })

  it("retries a missing session for a fresh event (it may be being created right now)", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(60_000) }))).toBe(true)
  })

  it("gives up at once on a missing session for an event older than the provider's retry window", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(PROVIDER_RETRY_WINDOW_MS + 1) }))).toBe(false)
  })

  it("still retries an event exactly at the edge of the window", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(PROVIDER_RETRY_WINDOW_MS) }))).toBe(true)
  })

  it("retries a missing session when the event time is unknown", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: null }))).toBe(true)
  })

  it.each([undefined, "unexpected_state", "not_allowed", "db_error"])(
    "retries an old event that failed for another reason (%s)",
    (errorType) => {
      expect(shouldRetry(attempt({ errorType, occurredAt: ago(PROVIDER_RETRY_WINDOW_MS * 2) }))).toBe(true)
    }
  )
})
