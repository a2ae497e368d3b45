import Stripe from "stripe"
import { startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"

/** The dev app's default signing secret; medusa-config.ts reads STRIPE_WEBHOOK_SECRET. */
export const TEST_WEBHOOK_SECRET = "whsec_integration_test_secret"

/** Handle on the simulator a test file runs beside the in-process app. */
export interface StripeHarness {
  sim: StripeSimulator
  /** A Stripe client as a storefront (Stripe.js) or the Stripe dashboard would use it. */
  stripe: Stripe
  /** Points the simulator's deliveries at the app's webhook route for `provider`. */
  deliverTo(baseUrl: string, provider?: string): void
}

/**
 * Registers jest hooks that start the offline Stripe simulator before Medusa boots (the provider
 * options read STRIPE_API_PORT and STRIPE_WEBHOOK_SECRET when the config loads) and stop it after.
 * Call it at the top level of a spec file, before `medusaIntegrationTestRunner`.
 */
export function useStripeSimulator(env: Record<string, string> = {}): StripeHarness {
  const harness = {} as StripeHarness
  beforeAll(async () => {
    const sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local", delivery: { retryDelaysMs: [100, 300, 1000] } })
    Object.assign(process.env, {
      STRIPE_API_KEY: "sk_test_local",
      STRIPE_API_HOST: "localhost",
      STRIPE_API_PORT: String(sim.port),
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ...env,
    })
    harness.sim = sim
    harness.stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 })
    harness.deliverTo = (baseUrl, provider = "stripe_stripe") =>
      sim.setEndpoints([{ url: `${baseUrl}/hooks/payment/${provider}`, secret: TEST_WEBHOOK_SECRET }])
  })
  afterAll(async () => {
    await harness.sim?.stop()
  })
  return harness
}

/**
 * Polls `probe` until it returns a truthy value (returned) or `timeoutMs` passes (throws, naming `what`).
 * The default bound is generous (60 s) on purpose: a wait returns as soon as the state is there, so the
 * bound only matters when something is wrong, and a loaded 2-core machine (the suite runs two jest
 * workers, each with a Medusa app) can take many seconds for one payment-to-order.
 */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 100, what = "condition" } = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) {
        return value
      }
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`)
}
