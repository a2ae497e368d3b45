import { MedusaError } from "@medusajs/framework/utils"
import Stripe from "stripe"
import { signatureHeaderFrom, verifyStripeWebhook } from "../webhook-verification"

const stripe = new Stripe("sk_test_verification")
const CURRENT = "whsec_current_secret"
const PREVIOUS = "whsec_previous_secret"
const TOLERANCE = 300

const body = JSON.stringify({
  id: "evt_123",
  object: "event",
  type: "payment_intent.succeeded",
  created: 1_700_000_000,
  data: { object: { id: "pi_123", object: "payment_intent" } },
})

const now = () => Math.floor(Date.now() / 1000)
const sign = (payload: string, secret: string, timestamp = now()) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })

function rejection(run: () => unknown): MedusaError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).type).toBe(MedusaError.Types.INVALID_DATA)
    return error as MedusaError
  }
  throw new Error("the webhook was accepted")
}

describe("verifyStripeWebhook", () => {
  it("returns the event of a body signed with the configured secret, as string or Buffer", () => {
    const header = sign(body, CURRENT)
    expect(verifyStripeWebhook(stripe, body, header, [CURRENT], TOLERANCE)).toMatchObject({ id: "evt_123" })
    expect(verifyStripeWebhook(stripe, Buffer.from(body), header, [CURRENT], TOLERANCE).type).toBe(
      "payment_intent.succeeded"
    )
  })

  it("rejects a body signed with another secret as invalid_signature", () => {
    const error = rejection(() => verifyStripeWebhook(stripe, body, sign(body, "whsec_attacker"), [CURRENT], TOLERANCE))
    expect(error.message).toMatch(/^invalid_signature: /)
    expect(error.message).not.toContain(CURRENT)
  })

  it("rejects a body changed after signing", () => {
    const header = sign(body, CURRENT)
    const tampered = body.replace("evt_123", "evt_999")
    expect(rejection(() => verifyStripeWebhook(stripe, tampered, header, [CURRENT], TOLERANCE)).message).toMatch(
      /^invalid_signature: /
    )
  })

  it("accepts the second of two rotated secrets, in either order", () => {
    const header = sign(body, PREVIOUS)
    expect(verifyStripeWebhook(stripe, body, header, [CURRENT, PREVIOUS], TOLERANCE).id).toBe("evt_123")
    expect(verifyStripeWebhook(stripe, body, sign(body, CURRENT), [PREVIOUS, CURRENT], TOLERANCE).id).toBe("evt_123")
    expect(rejection(() => verifyStripeWebhook(stripe, body, header, [CURRENT], TOLERANCE)).message).toMatch(
      /^invalid_signature: /
    )
  })

  it("rejects a correctly signed timestamp older than the tolerance, and accepts one within it", () => {
    const expired = sign(body, CURRENT, now() - TOLERANCE - 60)
    const error = rejection(() => verifyStripeWebhook(stripe, body, expired, [CURRENT], TOLERANCE))
    expect(error.message).toBe(`invalid_signature: timestamp outside the tolerance of ${TOLERANCE} seconds`)

    const recent = sign(body, CURRENT, now() - TOLERANCE + 60)
    expect(verifyStripeWebhook(stripe, body, recent, [CURRENT], TOLERANCE).id).toBe("evt_123")
  })

  it("applies the configured tolerance, not Stripe's default", () => {
    const header = sign(body, CURRENT, now() - 120)
    expect(verifyStripeWebhook(stripe, body, header, [CURRENT], 300).id).toBe("evt_123")
    expect(rejection(() => verifyStripeWebhook(stripe, body, header, [CURRENT], 60)).message).toMatch(/tolerance of 60/)
  })

  it("reports the expired timestamp when only one of the rotated secrets matched", () => {
    const expired = sign(body, PREVIOUS, now() - 3600)
    expect(rejection(() => verifyStripeWebhook(stripe, body, expired, [CURRENT, PREVIOUS], TOLERANCE)).message).toMatch(
      /^invalid_signature: timestamp outside/
    )
  })

  it.each([
    ["missing", undefined, /^invalid_signature: missing stripe-signature header/],
    ["empty", "", /^invalid_signature: missing stripe-signature header/],
    ["repeated", ["t=1,v1=a", "t=2,v1=b"], /^invalid_signature: more than one stripe-signature header/],
    ["garbage", "not-a-signature", /^invalid_signature: /],
  ])("rejects a %s header as invalid_signature", (_, header, message) => {
    expect(rejection(() => verifyStripeWebhook(stripe, body, header, [CURRENT], TOLERANCE)).message).toMatch(message)
  })

  it.each([
    ["missing", undefined],
    ["empty", ""],
  ])("rejects a %s raw body as invalid_payload", (_, raw) => {
    expect(rejection(() => verifyStripeWebhook(stripe, raw, sign(body, CURRENT), [CURRENT], TOLERANCE)).message).toMatch(
      /^invalid_payload: /
    )
  })

  it("rejects a signed body that is not JSON, or not an event, as invalid_payload", () => {
    const notJson = "id=evt_1&type=x"
    expect(rejection(() => verifyStripeWebhook(stripe, notJson, sign(notJson, CURRENT), [CURRENT], TOLERANCE)).message).toBe(
      "invalid_payload: the signed body is not JSON"
    )
    const notEvent = JSON.stringify({ hello: "world" })
    expect(rejection(() => verifyStripeWebhook(stripe, notEvent, sign(notEvent, CURRENT), [CURRENT], TOLERANCE)).message).toBe(
      "invalid_payload: the signed body is not a Stripe event"
    )
  })
})

describe("signatureHeaderFrom", () => {
  it("finds the header whatever its case", () => {
    expect(signatureHeaderFrom({ "stripe-signature": "a" })).toBe("a")
    expect(signatureHeaderFrom({ "Stripe-Signature": "b", "content-type": "application/json" })).toBe("b")
    expect(signatureHeaderFrom({})).toBeUndefined()
    expect(signatureHeaderFrom(undefined)).toBeUndefined()
  })
})
