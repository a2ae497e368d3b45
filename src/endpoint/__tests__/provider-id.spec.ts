import { WebhookHttpError } from "../http-errors"
import { normalizeProviderId } from "../provider-id"

function refusal(segment: string | undefined): WebhookHttpError {
  try {
    normalizeProviderId(segment)
  } catch (error) {
    return error as WebhookHttpError
  }
  throw new Error(`normalizeProviderId accepted ${JSON.stringify(segment)}`)
}

describe("normalizeProviderId", () => {
  it.each([
    ["stripe_stripe", "pp_stripe_stripe"],
    ["pp_stripe_stripe", "pp_stripe_stripe"],
    ["stripe-bancontact_stripe", "pp_stripe-bancontact_stripe"],
    ["pp_stripe-bancontact_stripe", "pp_stripe-bancontact_stripe"],
    ["system_default", "pp_system_default"],
    ["Stripe2_X", "pp_Stripe2_X"],
  ])("turns %s into %s", (segment, providerId) => {
    expect(normalizeProviderId(segment)).toBe(providerId)
  })

  it("accepts a segment of 200 characters and refuses 201", () => {
    expect(normalizeProviderId("a".repeat(200))).toBe(`pp_${"a".repeat(200)}`)
    expect(refusal("a".repeat(201)).type).toBe("unknown_provider")
  })

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["starting with a hyphen", "-stripe"],
    ["starting with an underscore", "_stripe"],
    ["with a dot", "stripe.stripe"],
    ["with a slash", "stripe/../x"],
    ["with a space", "stripe stripe"],
    ["with a percent escape", "stripe%20x"],
    ["with non-ASCII letters", "strïpe"],
  ])("refuses a segment %s as unknown_provider (404)", (_label, segment) => {
    const error = refusal(segment)
    expect(error).toBeInstanceOf(WebhookHttpError)
    expect(error.type).toBe("unknown_provider")
    expect(error.status).toBe(404)
  })

  it("quotes at most 60 characters of a refused segment", () => {
    const error = refusal(`${"x".repeat(100)}!`)
    expect(error.message).toBe(`"${"x".repeat(60)}" is not a payment provider id`)
  })
})
