import { createHash } from "node:crypto"
import { webhookEventKey } from "../utils/event-key"

const body = '{"id":"evt_1","type":"payment_intent.succeeded"}'
const sha256 = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`

describe("webhookEventKey", () => {
  it("uses the provider's event id when there is one", () => {
    expect(webhookEventKey("evt_123", body)).toBe("evt_123")
  })

  it("trims the provider's event id", () => {
    expect(webhookEventKey("  evt_123\n", body)).toBe("evt_123")
  })

  it("does not depend on the body when the provider reports an id", () => {
    expect(webhookEventKey("evt_123", "other bytes")).toBe(webhookEventKey("evt_123", body))
  })

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["an empty string", ""],
    ["whitespace", "   "],
    ["a number", 42],
    ["an object", { id: "evt_123" }],
  ])("falls back to the SHA-256 of the raw body when the id is %s", (_label, eventId) => {
    expect(webhookEventKey(eventId, body)).toBe(sha256(body))
  })

  it("hashes a Buffer and the same string to the same key", () => {
    expect(webhookEventKey(undefined, Buffer.from(body, "utf8"))).toBe(webhookEventKey(undefined, body))
  })

  it("is 'sha256:' and 64 hex digits, and differs for different bytes", () => {
    const key = webhookEventKey(undefined, body)
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(webhookEventKey(undefined, `${body} `)).not.toBe(key)
  })
})
