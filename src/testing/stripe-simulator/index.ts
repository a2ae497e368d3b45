/**
 * An offline Stripe: an HTTP server the real `stripe` SDK talks to (`new Stripe(key, simulator.stripeConfig())`),
 * which keeps payment objects in memory and delivers signed webhook events like Stripe does.
 */
export { buildStripeEvent } from "./events"
export { ASYNC_PAYMENT_METHOD_TYPES } from "./payment-methods"
export { SIMULATOR_DEFAULTS, StripeSimulator, startStripeSimulator, type StripeSimulatorOptions } from "./server"
export { signStripePayload, type DeliveryOptions, type DeliveryRecord, type SimulatorEndpoint } from "./webhooks"
