import fc from "fast-check"
import { mergeDispute, type StoredDispute } from "../utils/disputes"

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString()

function dispute(status: string, second: number | null, overrides: Partial<StoredDispute> = {}): StoredDispute {
  return { id: "dp_1", status, amount: 100, reason: "fraudulent", occurred_at: second === null ? null : at(second), ...overrides }
}

/** What the record-payment-dispute step keeps after each event: the merge, or what was there. */
const fold = (events: StoredDispute[]): StoredDispute | undefined =>
  events.reduce<StoredDispute | undefined>((stored, incoming) => mergeDispute(stored, incoming) ?? stored, undefined)

describe("mergeDispute", () => {
  it("stores the first event it sees", () => {
    const created = dispute("needs_response", 1)
    expect(mergeDispute(undefined, created)).toEqual(created)
  })

  it("takes a newer event", () => {
    expect(mergeDispute(dispute("needs_response", 1), dispute("under_review", 2))).toEqual(dispute("under_review", 2))
  })

  it("ignores an older open event (returns null: nothing to write)", () => {
    expect(mergeDispute(dispute("under_review", 2), dispute("needs_response", 1))).toBeNull()
  })

  it("ignores the same event delivered again", () => {
    expect(mergeDispute(dispute("under_review", 2), dispute("under_review", 2))).toBeNull()
  })

  it.each(["won", "lost", "warning_closed", "prevented"])("never reopens a dispute closed as %s, even by a newer open status", (closed) => {
    expect(mergeDispute(dispute(closed, 5), dispute("under_review", 4))).toBeNull()
    expect(mergeDispute(dispute(closed, 5), dispute("under_review", 5))).toBeNull()
    expect(mergeDispute(dispute(closed, 5), dispute("needs_response", 9))).toBeNull()
  })

  it.each(["won", "lost", "warning_closed", "prevented"])("closes an open dispute as %s even when the close carries an older time", (closed) => {
    expect(mergeDispute(dispute("under_review", 5), dispute(closed, 3))).toMatchObject({ status: closed })
    expect(mergeDispute(dispute("under_review", 5), dispute(closed, 5))).toMatchObject({ status: closed })
  })

  it("lets a newer closing event replace an older one", () => {
    expect(mergeDispute(dispute("warning_closed", 3), dispute("lost", 4))).toMatchObject({ status: "lost" })
    expect(mergeDispute(dispute("lost", 4), dispute("warning_closed", 3))).toBeNull()
  })

  it("breaks a same-second tie by stage: under_review after needs_response, in either arrival order", () => {
    expect(mergeDispute(dispute("needs_response", 5), dispute("under_review", 5))).toEqual(dispute("under_review", 5))
    expect(mergeDispute(dispute("under_review", 5), dispute("needs_response", 5))).toBeNull()
    expect(fold([dispute("needs_response", 5), dispute("under_review", 5)])).toEqual(dispute("under_review", 5))
    expect(fold([dispute("under_review", 5), dispute("needs_response", 5)])).toEqual(dispute("under_review", 5))
    expect(fold([dispute("warning_under_review", 5), dispute("warning_needs_response", 5)])).toEqual(dispute("warning_under_review", 5))
  })

  it("orders an event without a time before any event with one", () => {
    expect(mergeDispute(dispute("needs_response", null), dispute("under_review", 1))).toMatchObject({ status: "under_review" })
    expect(mergeDispute(dispute("under_review", 1), dispute("needs_response", null))).toBeNull()
  })

  it("takes amount and reason from the newer event", () => {
    const merged = mergeDispute(dispute("needs_response", 1, { reason: "fraudulent" }), dispute("under_review", 2, { amount: 80, reason: "general" }))
    expect(merged).toEqual({ id: "dp_1", status: "under_review", amount: 80, reason: "general", occurred_at: at(2) })
  })

  describe("any arrival order, with duplicates, ends in the right state", () => {
    const sequences: Record<string, StoredDispute[]> = {
      "created, updated, closed as won": [dispute("needs_response", 1), dispute("under_review", 2), dispute("won", 3)],
      "created, updated, closed as lost": [dispute("needs_response", 1), dispute("under_review", 2), dispute("lost", 3)],
      "created, updated twice, closed": [
        dispute("needs_response", 1),
        dispute("under_review", 2),
        dispute("under_review", 3, { amount: 90 }),
        dispute("lost", 4, { amount: 90 }),
      ],
      "warning: created, updated, closed": [
        dispute("warning_needs_response", 1),
        dispute("warning_under_review", 2),
        dispute("warning_closed", 3),
      ],
      "closed in the same second as the update": [dispute("needs_response", 1), dispute("under_review", 2), dispute("won", 2)],
      "created and updated, still open": [dispute("needs_response", 1), dispute("under_review", 2)],
      "created and updated in the same second": [dispute("needs_response", 1), dispute("under_review", 1)],
    }

    it.each(Object.entries(sequences))("%s", (_name, chronological) => {
      const expected = chronological[chronological.length - 1]
      const indices = chronological.map((_, index) => index)
      fc.assert(
        fc.property(
          fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }),
          fc.array(fc.constantFrom(...indices), { maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 4 }),
          (order, duplicated, positions) => {
            const arrivals = order.map((index) => chronological[index])
            duplicated.forEach((index, n) => {
              const position = (positions[n] ?? 0) % (arrivals.length + 1)
              arrivals.splice(position, 0, chronological[index])
            })
            expect(fold(arrivals)).toEqual(expected)
          }
        )
      )
    })
  })
})
