import { nextSessionStatus, sessionStatusForAction, type SessionStatus } from "../utils/session-status"

const STATUSES: SessionStatus[] = [
  "pending",
  "requires_more",
  "pending_authorization",
  "authorized",
  "captured",
  "error",
  "canceled",
]

/**
 * The whole forward-only table: row = the session's current status, column = the status a webhook
 * asks for, cell = what is written (null: superseded, nothing written).
 */
const TABLE: Record<SessionStatus, Record<SessionStatus, SessionStatus | null>> = {
  pending: {
    pending: null,
    requires_more: "requires_more",
    pending_authorization: "pending_authorization",
    authorized: "authorized",
    captured: "captured",
    error: "error",
    canceled: "canceled",
  },
  requires_more: {
    pending: null,
    requires_more: null,
    pending_authorization: null,
    authorized: "authorized",
    captured: "captured",
    error: "error",
    canceled: "canceled",
  },
  pending_authorization: {
    pending: null,
    requires_more: null,
    pending_authorization: null,
    authorized: "authorized",
    captured: "captured",
    error: "error",
    canceled: "canceled",
  },
  authorized: {
    pending: null,
    requires_more: null,
    pending_authorization: null,
    authorized: null,
    captured: "captured",
    error: null,
    canceled: null,
  },
  captured: {
    pending: null,
    requires_more: null,
    pending_authorization: null,
    authorized: null,
    captured: null,
    error: null,
    canceled: null,
  },
  error: {
    pending: null,
    requires_more: "requires_more",
    pending_authorization: "pending_authorization",
    authorized: "authorized",
    captured: "captured",
    error: null,
    canceled: "canceled",
  },
  canceled: {
    pending: null,
    requires_more: null,
    pending_authorization: null,
    authorized: null,
    captured: null,
    error: null,
    canceled: null,
  },
}

const PAIRS = STATUSES.flatMap((current) => STATUSES.map((incoming) => [current, incoming, TABLE[current][incoming]] as const))

describe("nextSessionStatus", () => {
  it.each(PAIRS)("%s + webhook %s -> %p", (current, incoming, expected) => {
    expect(nextSessionStatus(current, incoming)).toBe(expected)
  })

  it("never moves an authorized or captured session back, whatever arrives late", () => {
    for (const current of ["authorized", "captured"] as const) {
      for (const incoming of STATUSES) {
        const next = nextSessionStatus(current, incoming)
        expect(next === null || (current === "authorized" && next === "captured")).toBe(true)
      }
    }
  })

  it("lets a failed session progress when the shopper retries, but never back to pending", () => {
    expect(nextSessionStatus("error", "authorized")).toBe("authorized")
    expect(nextSessionStatus("error", "pending")).toBeNull()
  })

  it("treats a status Medusa may add later as not reached yet", () => {
    expect(nextSessionStatus("something_new", "authorized")).toBe("authorized")
    expect(nextSessionStatus("something_new", "error")).toBe("error")
  })

  it("ends in the furthest status reached, whatever order the webhooks arrive in", () => {
    const forward: SessionStatus[] = ["pending", "requires_more", "authorized", "captured"]
    const permutations = (items: SessionStatus[]): SessionStatus[][] =>
      items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
    for (const order of permutations(forward)) {
      const final = order.reduce<string>((status, incoming) => nextSessionStatus(status, incoming) ?? status, "pending")
      expect(final).toBe("captured")
    }
  })
})

describe("sessionStatusForAction", () => {
  it.each([
    ["pending", "pending"],
    ["requires_more", "requires_more"],
    ["pending_authorization", "pending_authorization"],
    ["failed", "error"],
    ["canceled", "canceled"],
  ])("maps the webhook action %s to the session status %s", (action, status) => {
    expect(sessionStatusForAction(action)).toBe(status)
  })

  it.each(["authorized", "captured", "refunded", "disputed", "not_supported", "anything"])(
    "asks for no status on %s (money-moving, after-payment or unknown actions)",
    (action) => {
      expect(sessionStatusForAction(action)).toBeNull()
    }
  )
})
