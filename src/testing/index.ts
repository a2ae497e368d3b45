/**
 * Testing kit for provider and app authors (`medusa-payment-webhooks/testing`): the offline Stripe
 * and Adyen simulators, and helpers that sign payloads with the real Stripe SDK and Adyen library.
 */
export * from "./stripe-simulator"
export * from "./adyen-simulator"
