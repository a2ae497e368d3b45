import { decideProviderRefund, REFUND_IN_FLIGHT_MAX_MS, type MedusaRefundFacts } from "../utils/refunds"

const now = new Date("2026-12-01T12:00:00Z")
const ago = (ms: number) => new Date(now.getTime() - ms)
const medusa = (overrides: Partial<MedusaRefundFacts> = {}): MedusaRefundFacts => ({
  id: "ref_1",
  provider_refund_id: null,
  created_at: ago(1_000),
  ...overrides,
})

describe("decideProviderRefund", () => {
  it("records a refund made at the provider (no Medusa refund names it)", () => {
    expect(decideProviderRefund({ id: "re_1", amount: 5, status: "succeeded" }, [], {}, now)).toBe("record")
  })

  it("skips a refund already recorded under its provider id, whatever else it says", () => {
    const known = [medusa({ provider_refund_id: "re_1" })]
    expect(decideProviderRefund({ id: "re_1", amount: 5, status: "succeeded" }, known, {}, now)).toBe("skip")
    expect(decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_1" }, known, {}, now)).toBe("skip")
  })

  it.each(["failed", "canceled"])("skips a %s refund", (status) => {
    expect(decideProviderRefund({ id: "re_1", amount: 5, status }, [], {}, now)).toBe("skip")
  })

  it("links a refund Medusa issued once the provider confirmed it (Medusa kept the call's result)", () => {
    expect(
      decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_1" }, [medusa()], { ref_1: "re_1" }, now)
    ).toBe("link")
  })

  it("waits while Medusa's own call may still fail and roll its refund back", () => {
    expect(decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_1" }, [medusa()], {}, now)).toBe("wait")
    // A confirmation of another provider refund is no confirmation of this one.
    expect(
      decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_1" }, [medusa()], { ref_1: "re_other" }, now)
    ).toBe("wait")
  })

  it("links an unconfirmed Medusa refund once no provider call can still be running", () => {
    const old = [medusa({ created_at: ago(REFUND_IN_FLIGHT_MAX_MS) })]
    expect(decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_1" }, old, {}, now)).toBe("link")
  })

  it("records a refund Medusa issued whose Medusa refund is gone: rolled back after the provider accepted it", () => {
    expect(decideProviderRefund({ id: "re_1", amount: 5, medusa_refund_id: "ref_gone" }, [medusa()], {}, now)).toBe("record")
  })
})
