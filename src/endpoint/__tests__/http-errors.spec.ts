import { WebhookHttpError, type WebhookErrorType } from "../http-errors"

describe("WebhookHttpError", () => {
  it.each<[WebhookErrorType, number]>([
    ["unknown_provider", 404],
    ["invalid_signature", 400],
    ["invalid_payload", 400],
    ["payload_too_large", 413],
    ["unsupported_media_type", 415],
    ["unavailable", 503],
  ])("%s answers %i", (type, status) => {
    expect(new WebhookHttpError(type, "why").status).toBe(status)
  })

  it("is an Error with its own name, type and message", () => {
    const error = new WebhookHttpError("invalid_signature", "No signatures found")
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe("WebhookHttpError")
    expect(error.type).toBe("invalid_signature")
    expect(error.message).toBe("No signatures found")
  })

  it("serialises to exactly { type, message }: no stack, no status, nothing else", () => {
    const error = new WebhookHttpError("payload_too_large", "The body is larger than the accepted limit")
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      type: "payload_too_large",
      message: "The body is larger than the accepted limit",
    })
    expect(Object.keys(error.toJSON())).toEqual(["type", "message"])
  })
})
