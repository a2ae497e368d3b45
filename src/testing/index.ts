/**
 * Testing kit for provider and app authors (`medusa-payment-webhooks/testing`): the offline Stripe
 * simulator, helpers that sign payloads with the real Stripe SDK, and the provider conformance kit
 * (`describePaymentWebhookProvider`).
 */
export * from "./stripe-simulator"
export * from "./provider-conformance"
