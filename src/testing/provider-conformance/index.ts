/**
 * The conformance kit: checks a payment provider class against this plugin's provider contract
 * without a database or a Medusa app (`describePaymentWebhookProvider` in a jest spec, or
 * `runPaymentWebhookConformance` anywhere), with ready fixtures for Stripe-based providers.
 */
export {
  paymentWebhookConformanceChecks,
  runPaymentWebhookConformance,
  type ConformanceCheck,
  type ConformanceEventSpec,
  type ConformanceResult,
  type PaymentWebhookProviderFixtures,
} from "./checks"
export { describePaymentWebhookProvider, type DescribeConformanceOptions } from "./describe"
export { stripeConformanceFixtures, type StripeConformanceOptions, type StripeApiEndpoint } from "./stripe-fixtures"
