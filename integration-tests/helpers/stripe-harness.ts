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

/** The test kit's bounded wait (`waitFor(probe, { timeoutMs, what })`), shared with shops. */
export { waitFor } from "../../src/testing/shop-kit/wait"

/**
 * A cron expression for a job the test runs by hand: once a day, twelve hours from now, so it never
 * fires during a test run. Not "once a year": Medusa's in-memory workflow engine waits for the next
 * run with one `setTimeout`, and Node fires a timeout longer than 2^31-1 ms (24.8 days) after 1 ms -
 * a far-away schedule would run the job at once, and again after every run.
 */
export function scheduleOutOfTheWay(now = new Date()): string {
  const later = new Date(now.getTime() + 12 * 60 * 60 * 1000)
  return `${later.getMinutes()} ${later.getHours()} * * *`
}
