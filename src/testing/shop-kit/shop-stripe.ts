import Stripe from "stripe"
import { startStripeSimulator, type StripeSimulator } from "../stripe-simulator"
import type { DeliveryOptions } from "../stripe-simulator/webhooks"

/** How a shop's test starts the simulator; every field has a default. */
export interface ShopStripeOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  /** The secret key the app's provider uses and the simulator requires; default `sk_test_local`. */
  apiKey?: string
  /** The webhook signing secret the app's provider verifies with; default `whsec_shop_test`. */
  webhookSecret?: string
  /** Delivery settings (duplicates, shuffling, delays, retry delays); default: fast retries. */
  delivery?: DeliveryOptions
}

/**
 * The environment a shop's `medusa-config` reads to point its Stripe provider at the simulator. Set it
 * before Medusa loads its configuration (in a `beforeAll` registered before `medusaIntegrationTestRunner`).
 */
export interface ShopStripeEnv extends Record<string, string> {
  STRIPE_API_KEY: string
  STRIPE_API_HOST: string
  STRIPE_API_PORT: string
  STRIPE_API_PROTOCOL: string
  STRIPE_WEBHOOK_SECRET: string
}

/** The Stripe provider options (`medusa-payment-webhooks/providers/stripe`) that talk to the simulator. */
export interface ShopStripeProviderOptions {
  apiKey: string
  webhookSecret: string
  apiHost: string
  apiPort: number
  apiProtocol: "http"
}

/** What `deliverHeldEvents` delivers: every held event, those of one type, or those a predicate picks. */
export type HeldEventFilter = string | ((event: Stripe.Event) => boolean)

/** The offline Stripe a shop's integration test runs beside its app. */
export interface ShopStripe {
  /** The simulator itself: `succeedPending`, `refundFromDashboard`, `openDispute`, `events`, `deliveries`... */
  simulator: StripeSimulator
  /** A Stripe client as the storefront (Stripe.js) or the dashboard would use it. */
  stripe: Stripe
  /** See {@link ShopStripeEnv}. */
  env(): ShopStripeEnv
  /** See {@link ShopStripeProviderOptions}. */
  providerOptions(): ShopStripeProviderOptions
  /**
   * Sends later events to the app at `baseUrl` (the runner's `api.defaults.baseURL`), to the webhook route of
   * the provider `providerId` (`stripe_stripe` - the `pp_` prefix may be left on).
   */
  deliverTo(baseUrl: string, providerId?: string): void
  /** From now on events are kept instead of delivered, as when Stripe's webhooks are late or lost. */
  holdEvents(): void
  /** The events kept since `holdEvents` and not delivered yet, oldest first. */
  heldEvents(): Stripe.Event[]
  /**
   * Delivers held events (all, or those `filter` picks) to the app, unchanged, as Stripe's retry would; they
   * are no longer held. Resolves once their deliveries are done. Returns the delivered events.
   */
  deliverHeldEvents(filter?: HeldEventFilter): Promise<Stripe.Event[]>
  /** Stops holding: later events are delivered as they happen; the held ones stay held until delivered. */
  resumeDelivery(): void
  /** Resolves when no delivery is buffered, scheduled or in flight. */
  idle(): Promise<void>
  /** Stops the simulator (and every pending delivery). */
  stop(): Promise<void>
}

const DEFAULTS = { apiKey: "sk_test_local", webhookSecret: "whsec_shop_test" }

/**
 * Starts the offline Stripe simulator for a shop's own integration tests, on a free port unless `port` says
 * otherwise. Nothing is delivered until `deliverTo` names the app. Jest-free: call it from any hook.
 */
export async function startShopStripe(options: ShopStripeOptions = {}): Promise<ShopStripe> {
  const apiKey = options.apiKey ?? DEFAULTS.apiKey
  const webhookSecret = options.webhookSecret ?? DEFAULTS.webhookSecret
  const simulator = await startStripeSimulator({
    port: options.port ?? 0,
    apiKey,
    delivery: options.delivery ?? { retryDelaysMs: [100, 300, 1000] },
  })
  const { host, port, protocol } = simulator.stripeConfig()
  let endpoint: { url: string; secret: string } | null = null
  let holding = false
  const heldIds: string[] = []
  let classified = 0
  // Events are held or delivered by the mode they were created in; the mode changes only through the calls below.
  const classify = () => {
    for (const event of simulator.events.slice(classified)) {
      if (holding) {
        heldIds.push(event.id)
      }
    }
    classified = simulator.events.length
  }
  const held = () => {
    classify()
    const byId = new Map(simulator.events.map((event) => [event.id, event]))
    return heldIds.map((id) => byId.get(id)!)
  }
  const connect = () => simulator.setEndpoints(endpoint && !holding ? [endpoint] : [])

  return {
    simulator,
    stripe: new Stripe(apiKey, { ...simulator.stripeConfig(), maxNetworkRetries: 0 }),
    env: () => ({
      STRIPE_API_KEY: apiKey,
      STRIPE_API_HOST: host,
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: protocol,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
    }),
    providerOptions: () => ({ apiKey, webhookSecret, apiHost: host, apiPort: port, apiProtocol: protocol }),
    deliverTo(baseUrl, providerId = "stripe_stripe") {
      const route = providerId.replace(/^pp_/, "")
      endpoint = { url: `${baseUrl.replace(/\/+$/, "")}/hooks/payment/${route}`, secret: webhookSecret }
      connect()
    },
    holdEvents() {
      classify()
      holding = true
      connect()
    },
    heldEvents: () => held(),
    async deliverHeldEvents(filter) {
      if (!endpoint) {
        throw new Error("deliverHeldEvents: call deliverTo(baseUrl) first, so the simulator knows where the app is")
      }
      const picked = held().filter((event) =>
        filter === undefined ? true : typeof filter === "string" ? event.type === filter : filter(event)
      )
      // Synchronous from here to connect(): no event the app causes meanwhile can slip through.
      simulator.setEndpoints([endpoint])
      for (const event of picked) {
        heldIds.splice(heldIds.indexOf(event.id), 1)
        simulator.resendEvent(event.id)
      }
      connect()
      await simulator.idle()
      return picked
    },
    resumeDelivery() {
      classify()
      holding = false
      connect()
    },
    idle: () => simulator.idle(),
    stop: () => simulator.stop(),
  }
}
