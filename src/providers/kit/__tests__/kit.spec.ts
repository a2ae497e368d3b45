import { MedusaError } from "@medusajs/framework/utils"
import Stripe from "stripe"
import {
  actionFromTable,
  assertTimestampWithinTolerance,
  constantTimeEqual,
  defineWebhookEventTable,
  hmacSignature,
  invalidPayload,
  invalidSignature,
  isBadInputError,
  paymentDeclined,
  retryLater,
  verifyWithAnySecret,
  webhookErrorKind,
} from ".."

describe("constantTimeEqual", () => {
  it("is true only for the same bytes", () => {
    const signature = hmacSignature("sha256", "key", "body")
    expect(constantTimeEqual(signature, hmacSignature("sha256", "key", "body"))).toBe(true)
    expect(constantTimeEqual(signature, hmacSignature("sha256", "other", "body"))).toBe(false)
    expect(constantTimeEqual(signature, signature.slice(0, -1))).toBe(false)
    expect(constantTimeEqual(signature, undefined)).toBe(false)
    expect(constantTimeEqual(Buffer.from("a"), Buffer.from("a"))).toBe(true)
  })

  it("hmacSignature encodes as asked", () => {
    expect(hmacSignature("sha256", "key", "body", "base64")).toBe(
      Buffer.from(hmacSignature("sha256", "key", "body"), "hex").toString("base64")
    )
  })
})

describe("assertTimestampWithinTolerance", () => {
  const now = new Date("2026-01-01T00:00:00Z")
  const seconds = now.getTime() / 1000

  it("accepts a timestamp within the tolerance either way", () => {
    expect(() => assertTimestampWithinTolerance(seconds - 300, 300, now)).not.toThrow()
    expect(() => assertTimestampWithinTolerance(seconds + 299, 300, now)).not.toThrow()
  })

  it("refuses an old, a future and a missing timestamp as invalid_signature", () => {
    for (const timestamp of [seconds - 301, seconds + 301, Number.NaN]) {
      expect(() => assertTimestampWithinTolerance(timestamp, 300, now)).toThrow(/^invalid_signature: /)
    }
  })
})

describe("verifyWithAnySecret", () => {
  it("returns the secret that verifies, trying them in order", () => {
    const tried: string[] = []
    const secret = verifyWithAnySecret(["old", "new", "later"], (candidate) => {
      tried.push(candidate)
      return candidate === "new"
    })
    expect(secret).toBe("new")
    expect(tried).toEqual(["old", "new"])
  })

  it("refuses with how many secrets were tried, never their values", () => {
    expect(() => verifyWithAnySecret(["whsec_one", "whsec_two"], () => false)).toThrow(
      "invalid_signature: no signature matches any of the 2 configured webhook secret(s)"
    )
    expect(() => verifyWithAnySecret([], () => true)).toThrow("invalid_signature: no webhook secret is configured")
  })
})

describe("event tables", () => {
  const table = defineWebhookEventTable({ AUTHORISATION: "authorized", REFUND: "refunded" })

  it("maps listed types and nothing else", () => {
    expect(actionFromTable(table, "AUTHORISATION")).toBe("authorized")
    expect(actionFromTable(table, "REFUND")).toBe("refunded")
    expect(actionFromTable(table, "REPORT_AVAILABLE")).toBe("not_supported")
    expect(actionFromTable(table, "toString")).toBe("not_supported")
  })
})

describe("errors", () => {
  it("tells refusals from retries as the webhook route does", () => {
    expect(webhookErrorKind(invalidSignature("forged"))).toBe("invalid_signature")
    expect(webhookErrorKind(invalidPayload("not an event"))).toBe("invalid_payload")
    expect(webhookErrorKind(new SyntaxError("Unexpected token"))).toBe("invalid_payload")
    const sdkError = (() => {
      try {
        Stripe.webhooks.constructEvent("{}", "t=1,v1=forged", "whsec_kit")
      } catch (error) {
        return error
      }
    })()
    expect(sdkError).toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError)
    expect(webhookErrorKind(sdkError)).toBe("invalid_signature")
    expect(webhookErrorKind(retryLater("the API is down"))).toBe("retry")
    expect(webhookErrorKind(new Error("socket hang up"))).toBe("retry")
    expect(webhookErrorKind(undefined)).toBe("retry")
  })

  it("tells bad input from transient failures of provider calls", () => {
    expect(isBadInputError(new MedusaError(MedusaError.Types.INVALID_DATA, "x"))).toBe(true)
    expect(isBadInputError(paymentDeclined("card declined"))).toBe(true)
    expect(paymentDeclined("card declined").type).toBe(MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR)
    expect(isBadInputError(retryLater("timeout"))).toBe(false)
    expect(isBadInputError(new Error("ECONNREFUSED"))).toBe(false)
  })
})
