import { MedusaError } from "@medusajs/framework/utils"
import { StripeProviderService } from "../services"
import { resolveStripeOptions, validateStripeOptions } from "../options"

const valid = { apiKey: "sk_test_123", webhookSecret: "whsec_abc" }

function validationError(options: Record<string, unknown>): MedusaError {
  try {
    StripeProviderService.validateOptions(options)
  } catch (error) {
    return error as MedusaError
  }
  throw new Error("validateOptions accepted the options")
}

describe("Stripe provider options", () => {
  it("accepts the minimal options and a list of rotated webhook secrets", () => {
    expect(() => validateStripeOptions(valid)).not.toThrow()
    expect(() => validateStripeOptions({ ...valid, webhookSecret: ["whsec_new", "whsec_old"] })).not.toThrow()
  })

  it.each([
    [{ webhookSecret: "whsec_abc" }, "stripe provider: option `apiKey` is required (a Stripe secret key)"],
    [{ apiKey: "sk_test_123" }, "stripe provider: option `webhookSecret` is required (string or list of strings)"],
    [{ ...valid, webhookSecret: [] }, "stripe provider: option `webhookSecret` is required (string or list of strings)"],
    [{ ...valid, webhookSecret: ["whsec_a", ""] }, "stripe provider: option `webhookSecret` is required (string or list of strings)"],
    [{ ...valid, webhookTolerance: 0 }, "stripe provider: option `webhookTolerance` must be a positive number of seconds"],
    [{ ...valid, capture: "yes" }, "stripe provider: option `capture` must be a boolean"],
    [{ ...valid, automaticPaymentMethods: 1 }, "stripe provider: option `automaticPaymentMethods` must be a boolean"],
    [{ ...valid, paymentDescription: 5 }, "stripe provider: option `paymentDescription` must be a string"],
    [{ ...valid, oxxoExpiresDays: 8 }, "stripe provider: option `oxxoExpiresDays` must be a whole number of days from 1 to 7"],
    [{ ...valid, apiHost: "" }, "stripe provider: option `apiHost` must be a host name"],
    [{ ...valid, apiPort: 70000 }, "stripe provider: option `apiPort` must be a port number"],
    [{ ...valid, apiProtocol: "ftp" }, 'stripe provider: option `apiProtocol` must be "http" or "https"'],
    [{ ...valid, maxNetworkRetries: -1 }, "stripe provider: option `maxNetworkRetries` must be a whole number from 0 to 10"],
  ])("rejects %j with INVALID_DATA naming the option", (options, message) => {
    const error = validationError(options)
    expect(error).toBeInstanceOf(MedusaError)
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toBe(message)
  })

  it("never echoes option values, which include secrets", () => {
    const error = validationError({ apiKey: "sk_test_secret", webhookSecret: 42 })
    expect(error.message).not.toContain("sk_test_secret")
  })

  it("applies the defaults and always lists the webhook secrets", () => {
    expect(resolveStripeOptions(valid)).toEqual({
      apiKey: "sk_test_123",
      webhookSecrets: ["whsec_abc"],
      webhookTolerance: 300,
      capture: false,
      oxxoExpiresDays: 3,
      maxNetworkRetries: 2,
      apiTimeoutMs: 80_000,
    })
    expect(resolveStripeOptions({ ...valid, webhookSecret: ["a", "b"], webhookTolerance: 60, capture: true })).toMatchObject({
      webhookSecrets: ["a", "b"],
      webhookTolerance: 60,
      capture: true,
    })
  })

  it("is checked when a provider is constructed directly", () => {
    expect(() => new StripeProviderService({}, { apiKey: "sk_test_123" } as never)).toThrow(/webhookSecret/)
  })
})
