/**
 * Testing kit for provider and app authors (`medusa-payment-webhooks/testing`): the offline Stripe
 * and Adyen simulators, helpers that sign payloads with the real Stripe SDK and Adyen library, and the
 * provider conformance kit (`describePaymentWebhookProvider`).
 */
export * from "./stripe-simulator"
export * from "./adyen-simulator"
export * from "./provider-conformance"
