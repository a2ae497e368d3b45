import { entityId } from "../utils/entity-id"

describe("entityId", () => {
  it("is the prefix and a ULID: 26 Crockford base32 characters", () => {
    expect(entityId("pwhevt")).toMatch(/^pwhevt_[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  it("encodes the time like a ULID, so ids sort by creation time", () => {
    // 1469918176385 ms is the ULID specification's example time, "01ARYZ6S41".
    expect(entityId("x", 1469918176385).slice(2, 12)).toBe("01ARYZ6S41")
    expect(entityId("x", 1_000) < entityId("x", 2_000)).toBe(true)
  })

  it("does not repeat across many ids made in the same millisecond (the pool is refilled)", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => entityId("pwhevt", 1_700_000_000_000)))
    expect(ids.size).toBe(10_000)
  })
})
