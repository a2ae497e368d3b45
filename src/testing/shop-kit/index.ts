/**
 * The test kit for shops (`medusa-payment-webhooks/testing`): what a shop's own `medusaIntegrationTestRunner`
 * tests need to test its checkout against the offline Stripe simulator - start it, point the app's providers
 * at it, pay a cart (card, 3-D Secure, redirect, decline), deliver or hold its events, wait for the order.
 * Nothing here uses jest's globals; call it from the test file's hooks.
 */
export { payPaymentIntent, type CustomerAction, type PaymentOutcome, type PayOptions, type TestPaymentMethod } from "./checkout"
export {
  startShopStripe,
  type HeldEventFilter,
  type ShopStripe,
  type ShopStripeEnv,
  type ShopStripeOptions,
  type ShopStripeProviderOptions,
} from "./shop-stripe"
export { createTestCart, payCart, type PaidCart, type PayCartOptions, type StoreApiTarget, type TestCartOptions } from "./store-api"
export { createTestStore, type TestStore, type TestStoreOptions } from "./test-store"
export { findCartOrder, waitFor, waitForOrder, type TestOrder, type WaitOptions } from "./wait"
