import http from "node:http"
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

/** A stand-in for Stripe's API that records every request it gets and answers each with a 500. */
export type Tripwire = {
  /** `METHOD /path` of every request received. */
  requests: string[]
  /** Provider options pointing the API at the tripwire. */
  apiOptions: Pick<StripeOptions, "apiHost" | "apiPort" | "apiProtocol">
  stop: () => Promise<void>
}

/** Starts a tripwire on a free port: point a provider at it to prove that it makes no request. */
export async function startTripwire(): Promise<Tripwire> {
  const requests: string[] = []
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response
      .writeHead(500, { "Content-Type": "application/json" })
      .end(JSON.stringify({ error: { type: "api_error", message: "tripwire: no request was expected" } }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { port: number }
  return {
    requests,
    apiOptions: { apiHost: "127.0.0.1", apiPort: port, apiProtocol: "http" },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
