import { filtersFromSearchParams, filtersToSearchParams, formatAmount, formatDuration, listQuery, mergeTimeline, replayOutcome, replayPlan, statusColor } from "../format"
import type { PaymentWebhook } from "../types"

const row = (id: string, created_at: string, occurred_at: string | null = null) => ({ id, created_at, occurred_at }) as PaymentWebhook

describe("admin page rules", () => {
  it("colors dead red, failed orange, processed green, and an unknown status grey", () => {
    expect(["dead", "failed", "processed", "received", "nope"].map(statusColor)).toEqual(["red", "orange", "green", "blue", "grey"])
  })

  it("formats amounts in major units with their currency, and '-' without an amount", () => {
    expect(formatAmount(42.5, "eur", "en-US")).toBe("€42.50")
    expect(formatAmount(1200, "jpy", "en-US")).toBe("¥1,200")
    expect(formatAmount(null, "eur")).toBe("-")
    expect(formatAmount(3, "xx")).toBe("3 XX")
  })

  it("says how long an attempt took, and nothing while it runs", () => {
    expect(formatDuration("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.340Z")).toBe("340 ms")
    expect(formatDuration("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:02.500Z")).toBe("2.5 s")
    expect(formatDuration("2026-01-01T00:00:00.000Z", null)).toBeNull()
  })

  it("reads the list's filters from the URL and writes them back the same, dropping unknown statuses", () => {
    const params = new URLSearchParams("status=dead,bogus,failed&provider_id=pp_stripe_stripe&event_type=charge.refunded&q=evt_1&offset=40&cart_id=cart_1")
    const filters = filtersFromSearchParams(params)

    expect(filters).toEqual({
      status: ["dead", "failed"],
      provider_id: ["pp_stripe_stripe"],
      cart_id: ["cart_1"],
      event_type: "charge.refunded",
      q: "evt_1",
      offset: 40,
    })
    expect(filtersFromSearchParams(filtersToSearchParams(filters))).toEqual(filters)
    expect(filtersFromSearchParams(new URLSearchParams("status=bogus&offset=-3"))).toEqual({})
  })

  it("asks the API with lists comma-separated, the page size and the offset", () => {
    expect(listQuery({ status: ["dead", "failed"], session_id: ["ps_1", "ps_2"], q: "evt" }, 20)).toEqual({
      limit: 20,
      offset: 0,
      status: "dead,failed",
      session_id: "ps_1,ps_2",
      q: "evt",
    })
  })

  it("replays failed and dead rows as they are, finished rows only by force after a confirmation, never a row being processed", () => {
    expect(replayPlan("dead")).toEqual({ allowed: true, force: false, confirm: false })
    expect(replayPlan("failed")).toEqual({ allowed: true, force: false, confirm: false })
    expect(replayPlan("processed")).toEqual({ allowed: true, force: true, confirm: true })
    expect(replayPlan("ignored")).toEqual({ allowed: true, force: true, confirm: true })
    expect(replayPlan("processing")).toMatchObject({ allowed: false })
  })

  it("turns a replay's result into a success, a warning or an error with the row's error", () => {
    expect(replayOutcome("processed", { status: "processed", last_error: null })).toMatchObject({ kind: "success" })
    expect(replayOutcome("already_running", { status: "processing", last_error: null })).toMatchObject({ kind: "warning" })
    expect(replayOutcome("dead", { status: "dead", last_error: "Stripe 500" })).toEqual({
      kind: "error",
      message: "The replay failed and the webhook is dead again. Stripe 500",
    })
  })

  it("merges the order's and its sessions' rows once each, oldest first by when they happened", () => {
    const a = row("a", "2026-01-01T00:00:03Z", "2026-01-01T00:00:01Z")
    const b = row("b", "2026-01-01T00:00:02Z")
    const c = row("c", "2026-01-01T00:00:05Z")

    expect(mergeTimeline([c, a], [a, b]).map(({ id }) => id)).toEqual(["a", "b", "c"])
  })
})
