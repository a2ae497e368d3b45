import type { ProviderWebhookPayload } from "@medusajs/framework/types"
import Stripe from "stripe"
import { startStripeSimulator, type StripeSimulator } from "../../../testing/stripe-simulator"
import type { StripeOptions } from "../options"
import type { StripeBase } from "../base"
import { StripeProviderService } from "../services"

/** The simulator's default API key. */
export const API_KEY = "sk_test_local"
/** The webhook secret the provider under test is configured with. */
export const WEBHOOK_SECRET = "whsec_provider_tests"

type ProviderClass = new (cradle: Record<string, unknown>, options: StripeOptions) => StripeBase

/** A running simulator, a storefront's Stripe client on it, and providers configured against it. */
export type Harness = {
  sim: StripeSimulator
  storefront: Stripe
  options: (overrides?: Partial<StripeOptions>) => StripeOptions
  provider: <T extends StripeBase = StripeProviderService>(Class?: ProviderClass, overrides?: Partial<StripeOptions>) => T
}

/** Starts a simulator for the tests of one file; call the returned `stop` in `afterAll`. */
export async function startHarness(): Promise<Harness & { stop: () => Promise<void> }> {
  const sim = await startStripeSimulator()
  const { host, port, protocol } = sim.stripeConfig()
  const options = (overrides: Partial<StripeOptions> = {}): StripeOptions => ({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    apiHost: host,
    apiPort: port,
    apiProtocol: protocol,
    maxNetworkRetries: 0,
    ...overrides,
  })
  return {
    sim,
    storefront: new Stripe(API_KEY, { ...sim.stripeConfig(), maxNetworkRetries: 0 }),
    options,
    provider: <T extends StripeBase>(Class: ProviderClass = StripeProviderService, overrides?: Partial<StripeOptions>) =>
      new Class({}, options(overrides)) as T,
    stop: () => sim.stop(),
  }
}

/** The webhook request Stripe would send for `event`, signed by the SDK with `secret`. */
export function webhookRequest(
  event: Stripe.Event,
  secret = WEBHOOK_SECRET,
  timestamp?: number
): ProviderWebhookPayload["payload"] {
  const rawData = JSON.stringify(event, null, 2)
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: rawData, secret, timestamp })
  return {
    data: JSON.parse(rawData),
    rawData: Buffer.from(rawData),
    headers: { "content-type": "application/json", "stripe-signature": signature },
  }
}

/** The last event of `type` about the object `objectId` (or whose object points at that PaymentIntent). */
export function lastEvent(sim: StripeSimulator, type: string, paymentIntentId: string): Stripe.Event {
  const found = [...sim.events].reverse().find((event) => {
    const object = event.data.object as { id?: string; payment_intent?: unknown }
    return event.type === type && (object.id === paymentIntentId || object.payment_intent === paymentIntentId)
  })
  if (!found) {
    throw new Error(`no ${type} event for ${paymentIntentId}`)
  }
  return found
}
