import fc from "fast-check"
import { retryDelayMs } from "../utils/backoff"

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000 }
const lowest = () => 0
const highest = () => 1

describe("retryDelayMs", () => {
  it("doubles the window with every attempt, starting at the base delay", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, policy, highest))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000,
    ])
  })

  it("caps the window at maxDelayMs, also for absurd attempt numbers", () => {
    expect(retryDelayMs(7, policy, highest)).toBe(60_000)
    expect(retryDelayMs(1_000, policy, highest)).toBe(60_000)
    expect(retryDelayMs(1_000, policy, lowest)).toBe(30_000)
    expect(Number.isFinite(retryDelayMs(Number.MAX_SAFE_INTEGER, policy, highest))).toBe(true)
  })

  it("treats attempt 0 or below like the first retry", () => {
    expect(retryDelayMs(0, policy, highest)).toBe(1_000)
    expect(retryDelayMs(-3, policy, highest)).toBe(1_000)
  })

  it("jitters within the upper half of the window (equal jitter)", () => {
    expect(retryDelayMs(3, policy, lowest)).toBe(2_000)
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(3_000)
    expect(retryDelayMs(3, policy, highest)).toBe(4_000)
  })

  it("is deterministic for an injected random and uses it once per call", () => {
    const random = jest.fn(() => 0.25)
    expect(retryDelayMs(2, policy, random)).toBe(1_250)
    expect(retryDelayMs(2, policy, random)).toBe(1_250)
    expect(random).toHaveBeenCalledTimes(2)
  })

  it("uses Math.random when no random is injected", () => {
    const spy = jest.spyOn(Math, "random").mockReturnValue(0.75)
    try {
      expect(retryDelayMs(1, policy)).toBe(875)
    } finally {
      spy.mockRestore()
    }
  })

  it("always lands in [window / 2, window], whole milliseconds, for any attempt, policy and random", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 200 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, extra, random) => {
          const maxDelayMs = baseDelayMs + extra
          const window = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1))
          const delay = retryDelayMs(attempt, { baseDelayMs, maxDelayMs }, () => random)
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(Math.floor(window / 2))
          expect(delay).toBeLessThanOrEqual(Math.ceil(window))
          expect(delay).toBeLessThanOrEqual(maxDelayMs)
        }
      )
    )
  })

  it("never shrinks from one attempt to the next at the same random point", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        expect(retryDelayMs(attempt + 1, policy, () => random)).toBeGreaterThanOrEqual(
          retryDelayMs(attempt, policy, () => random)
        )
      })
    )
  })
})
