import { escapeLike, hasAnyFilter, toEventFilters } from "../utils/filters"

describe("toEventFilters", () => {
  it("maps every filter to the module's filter object, lists as lists", () => {
    expect(
      toEventFilters({
        status: ["dead", "failed"],
        provider_id: ["pp_stripe_stripe"],
        event_type: ["payment_intent.succeeded"],
        session_id: ["payses_1"],
        cart_id: ["cart_1"],
        order_id: ["order_1"],
        created_at: { $gte: "2026-01-01T00:00:00.000Z", $lt: new Date("2026-02-01T00:00:00.000Z") },
        q: "evt_1",
      })
    ).toEqual({
      status: ["dead", "failed"],
      provider_id: ["pp_stripe_stripe"],
      event_type: ["payment_intent.succeeded"],
      session_id: ["payses_1"],
      cart_id: ["cart_1"],
      order_id: ["order_1"],
      created_at: { $gte: new Date("2026-01-01T00:00:00.000Z"), $lt: new Date("2026-02-01T00:00:00.000Z") },
      $or: [{ id: { $ilike: "%evt\\_1%" } }, { event_key: { $ilike: "%evt\\_1%" } }],
    })
  })

  it("leaves out the status for the summary, and empty lists and ranges altogether", () => {
    expect(toEventFilters({ status: ["dead"], provider_id: ["p"] }, { omitStatus: true })).toEqual({ provider_id: ["p"] })
    expect(toEventFilters({ status: [], cart_id: [], created_at: {} })).toEqual({})
  })
})

describe("escapeLike", () => {
  it("escapes LIKE's wildcards and the escape character", () => {
    expect(escapeLike("50%_off\\")).toBe("50\\%\\_off\\\\")
  })
})

describe("hasAnyFilter", () => {
  it("is false for no filter, empty lists, empty ranges and an empty q", () => {
    expect(hasAnyFilter({})).toBe(false)
    expect(hasAnyFilter({ status: [], provider_id: [], created_at: {}, q: "" })).toBe(false)
  })

  it("is true for any one filter", () => {
    expect(hasAnyFilter({ status: ["dead"] })).toBe(true)
    expect(hasAnyFilter({ q: "evt" })).toBe(true)
    expect(hasAnyFilter({ created_at: { $gte: "2026-01-01" } })).toBe(true)
  })
})
