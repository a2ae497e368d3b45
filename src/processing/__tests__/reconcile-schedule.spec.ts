import {
  checkIntervalMs,
  isSessionCheckDue,
  nextCheckAt,
  RECONCILE_MAX_INTERVAL_MS,
  sessionDueAt,
  type ReconcileTiming,
} from "../reconcile-schedule"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const timing: ReconcileTiming = { afterMs: 10 * MINUTE, windowMs: 7 * DAY }
const now = new Date("2026-03-01T12:00:00Z")
const ago = (ms: number) => new Date(now.getTime() - ms)
const later = (ms: number) => new Date(now.getTime() + ms)

describe("checkIntervalMs", () => {
  it("starts at afterMs and doubles per check", () => {
    expect([1, 2, 3, 4, 5, 6].map((checks) => checkIntervalMs(checks, timing) / MINUTE)).toEqual([10, 20, 40, 80, 160, 240])
  })

  it("is capped at a few hours (4 h by default), also for absurd check counts", () => {
    expect(RECONCILE_MAX_INTERVAL_MS).toBe(4 * HOUR)
    expect(checkIntervalMs(7, timing)).toBe(4 * HOUR)
    expect(checkIntervalMs(10_000, timing)).toBe(4 * HOUR)
    expect(checkIntervalMs(Number.MAX_SAFE_INTEGER, timing)).toBe(4 * HOUR)
  })

  it("takes another cap, and never goes below afterMs when afterMs is longer than the cap", () => {
    expect(checkIntervalMs(3, { ...timing, maxIntervalMs: 30 * MINUTE })).toBe(30 * MINUTE)
    expect(checkIntervalMs(1, { afterMs: 6 * HOUR, windowMs: 7 * DAY })).toBe(6 * HOUR)
    expect(checkIntervalMs(5, { afterMs: 6 * HOUR, windowMs: 7 * DAY })).toBe(6 * HOUR)
  })

  it("treats 0 or fewer checks like the first", () => {
    expect(checkIntervalMs(0, timing)).toBe(10 * MINUTE)
    expect(checkIntervalMs(-2, timing)).toBe(10 * MINUTE)
  })
})

describe("isSessionCheckDue", () => {
  it("a session never checked is due once it is afterMs old, not before", () => {
    expect(isSessionCheckDue(ago(10 * MINUTE - 1), undefined, now, timing)).toBe(false)
    expect(isSessionCheckDue(ago(10 * MINUTE), undefined, now, timing)).toBe(true)
    expect(isSessionCheckDue(ago(3 * DAY), undefined, now, timing)).toBe(true)
  })

  it("a session older than the window is never due, whatever its check says", () => {
    expect(isSessionCheckDue(ago(7 * DAY), undefined, now, timing)).toBe(false)
    expect(isSessionCheckDue(ago(8 * DAY), { checks: 3, next_check_at: ago(HOUR) }, now, timing)).toBe(false)
  })

  it("a checked session is due when its next check has come, not before", () => {
    expect(isSessionCheckDue(ago(HOUR), { checks: 1, next_check_at: later(1) }, now, timing)).toBe(false)
    expect(isSessionCheckDue(ago(HOUR), { checks: 1, next_check_at: now }, now, timing)).toBe(true)
    expect(isSessionCheckDue(ago(HOUR), { checks: 4, next_check_at: ago(MINUTE) }, now, timing)).toBe(true)
  })

  it("a check without a next check time falls back to the session's age", () => {
    expect(isSessionCheckDue(ago(HOUR), { checks: 1, next_check_at: null }, now, timing)).toBe(true)
    expect(isSessionCheckDue(ago(MINUTE), { checks: 1, next_check_at: null }, now, timing)).toBe(false)
  })
})

describe("sessionDueAt and nextCheckAt", () => {
  it("due afterMs after creation, then when the last check said", () => {
    expect(sessionDueAt(ago(HOUR), undefined, timing)).toEqual(ago(50 * MINUTE))
    expect(sessionDueAt(ago(HOUR), { checks: 2, next_check_at: later(MINUTE) }, timing)).toEqual(later(MINUTE))
  })

  it("the next check after the n-th is the n-th interval later", () => {
    expect(nextCheckAt(now, 0, timing)).toEqual(later(10 * MINUTE))
    expect(nextCheckAt(now, 1, timing)).toEqual(later(20 * MINUTE))
    expect(nextCheckAt(now, 9, timing)).toEqual(later(4 * HOUR))
  })

  it("an abandoned checkout is asked about a few dozen times in the 7-day window, not every minute", () => {
    const created = new Date(0)
    let clock = new Date(created.getTime() + timing.afterMs)
    let checks = 0
    while (isSessionCheckDue(created, checks ? { checks, next_check_at: clock } : undefined, clock, timing)) {
      clock = nextCheckAt(clock, checks, timing)
      checks += 1
    }
    // 10 min, then +10, +20, +40, +80, +160 min, then every 4 h until the window closes.
    expect(checks).toBe(46)
  })
})
