/**
 * Testing kit for provider and app authors (`medusa-payment-webhooks/testing`): the offline Stripe
 * simulator and helpers that sign payloads with the real Stripe SDK.
 */
export * from "./stripe-simulator"
export * from "./provider-conformance"
