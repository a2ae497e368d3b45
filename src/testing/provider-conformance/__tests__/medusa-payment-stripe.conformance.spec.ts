import MedusaStripeProviderService from "@medusajs/payment-stripe/dist/services/stripe-provider"
import Stripe from "stripe"
import { startStripeSimulator, type StripeSimulator } from "../../stripe-simulator"
import { describePaymentWebhookProvider, stripeConformanceFixtures } from ".."

/**
 * Medusa's own `@medusajs/payment-stripe` through the same kit, for the README's conformance table.
 * Its known failures are asserted as failures: this spec turns red when the provider changes either
 * way, and the table must be updated.
 */
let sim: StripeSimulator
beforeAll(async () => {
  sim = await startStripeSimulator()
})
afterAll(() => sim.stop())

const SDK_SIGNATURE_ERROR = "its signature errors come back as plain Errors, which the route answers 503, not 400"
const NOT_MAPPED = "it returns not_supported"

describePaymentWebhookProvider(
  "@medusajs/payment-stripe 2.21.2",
  stripeConformanceFixtures({
    sim: () => sim,
    // It takes one webhook secret.
    secrets: ["whsec_conformance_current"],
    createProvider: (api, secrets) => {
      const provider = new MedusaStripeProviderService({}, { apiKey: api.apiKey, webhookSecret: secrets[0] })
      // It has no option for the API's host: its client is pointed at the simulator after construction.
      Object.assign(provider, {
        stripe_: new Stripe(api.apiKey, { host: api.host, port: api.port, protocol: api.protocol, maxNetworkRetries: 0, timeout: 2_000 }),
      })
      return provider
    },
  }),
  {
    knownFailures: {
      "signature.forged": SDK_SIGNATURE_ERROR,
      "signature.tampered": SDK_SIGNATURE_ERROR,
      "signature.expired": SDK_SIGNATURE_ERROR,
      "event-id.stable": "it returns no event_id (the plugin falls back to the body's hash)",
      "event-type:charge.refunded": NOT_MAPPED,
      "event-type:charge.refund.updated": NOT_MAPPED,
      "event-type:refund.created": NOT_MAPPED,
      "event-type:refund.updated": NOT_MAPPED,
      "event-type:refund.failed": NOT_MAPPED,
      "event-type:charge.dispute.created": NOT_MAPPED,
      "event-type:charge.dispute.updated": NOT_MAPPED,
      "event-type:charge.dispute.closed": NOT_MAPPED,
      "event-type:charge.dispute.funds_withdrawn": NOT_MAPPED,
      "event-type:charge.dispute.funds_reinstated": NOT_MAPPED,
      "payload.malformed": "a body that is not JSON comes back as a plain Error (503), not invalid_payload",
      "errors.transient-vs-bad-input": "a PaymentIntent that does not exist throws Stripe's own error, not a MedusaError",
      "authorize.declined": "authorizePayment returns status error instead of throwing, so cart completion answers 400 not_allowed",
    },
  }
)
