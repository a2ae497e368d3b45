import { StripeProviderService } from "../../../providers/stripe/services"
import { startStripeSimulator, type StripeSimulator } from "../../stripe-simulator"
import { describePaymentWebhookProvider, stripeConformanceFixtures } from ".."

let sim: StripeSimulator
beforeAll(async () => {
  sim = await startStripeSimulator()
})
afterAll(() => sim.stop())

describePaymentWebhookProvider(
  "StripeProviderService (this plugin)",
  stripeConformanceFixtures({
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
)
