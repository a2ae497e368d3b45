import { StripeProviderService } from "../../../providers/stripe/services"
import { startStripeSimulator, type StripeSimulator } from "../../stripe-simulator"
import { describePaymentWebhookProvider, runPaymentWebhookConformance, stripeConformanceFixtures } from ".."

let sim: StripeSimulator
beforeAll(async () => {
  sim = await startStripeSimulator()
})
afterAll(() => sim.stop())

const fixtures = stripeConformanceFixtures({
  sim: () => sim,
  createProvider: (api, secrets) =>
    new StripeProviderService(
      {},
      {
        apiKey: api.apiKey,
        apiHost: api.host,
        apiPort: api.port,
        apiProtocol: api.protocol,
        webhookSecret: secrets,
        maxNetworkRetries: 0,
        apiTimeoutMs: 2_000,
      }
    ),
})

describePaymentWebhookProvider("StripeProviderService (this plugin)", fixtures)

describe("runPaymentWebhookConformance", () => {
  it("reports each check outside jest's describe; a provider without signed timestamps skips the expiry check", async () => {
    const results = await runPaymentWebhookConformance({ ...fixtures, toleranceSeconds: null })

    expect(results.filter((result) => result.outcome === "failed")).toEqual([])
    expect(results.find((result) => result.id === "signature.expired")).toMatchObject({
      outcome: "skipped",
      reason: "the provider's signatures carry no timestamp",
    })
    expect(results.filter((result) => result.outcome === "passed")).toHaveLength(29)
  })

  it("reports a failing check with its reason", async () => {
    const results = await runPaymentWebhookConformance({ ...fixtures, eventActions: { "payment_intent.succeeded": "authorized" } })

    expect(results.find((result) => result.id === "event-type:payment_intent.succeeded")).toMatchObject({
      outcome: "failed",
      reason: expect.stringContaining("action of payment_intent.succeeded"),
    })
  })
})
