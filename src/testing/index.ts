/**
 * Testing kit for provider and app authors (`medusa-payment-webhooks/testing`): the offline Stripe
 * and Adyen simulators, helpers that sign payloads with the real Stripe SDK and Adyen library, and the
 * provider conformance kit (`describePaymentWebhookProvider`), and the test kit for shops' own checkout tests
 * (`startShopStripe`, `payCart`, `waitForOrder`...).
 */
export * from "./stripe-simulator"
export * from "./adyen-simulator"
export * from "./provider-conformance"
export * from "./shop-kit"
