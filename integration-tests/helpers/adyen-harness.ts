import {
  ADYEN_SIMULATOR_DEFAULTS,
  startAdyenSimulator,
  type AdyenSimulator,
} from "../../src/testing/adyen-simulator"

/** The HMAC key of the test app's Adyen webhook; medusa-config.ts reads ADYEN_HMAC_KEY. */
export const TEST_ADYEN_HMAC_KEY = "6A1B3C5D7E9F0A2B4C6D8E0F1A3B5C7D9E1F3A5B7C9D1E3F5A7B9C1D3E5F7A9B"

/** Handle on the Adyen simulator a test file runs beside the in-process app. */
export interface AdyenHarness {
  sim: AdyenSimulator
  /** Points the simulator's notifications at the app's webhook route for `provider`. */
  deliverTo(baseUrl: string, provider?: string): void
}

/**
 * Registers jest hooks that start the offline Adyen simulator before Medusa boots (the provider
 * options read ADYEN_CHECKOUT_ENDPOINT and ADYEN_HMAC_KEY when the config loads) and stop it after.
 * Call it at the top level of a spec file, before `medusaIntegrationTestRunner`.
 */
export function useAdyenSimulator(): AdyenHarness {
  const harness = {} as AdyenHarness
  beforeAll(async () => {
    const sim = await startAdyenSimulator({
      port: 0,
      apiKey: ADYEN_SIMULATOR_DEFAULTS.apiKey,
      delivery: { retryDelaysMs: [100, 300, 1000] },
    })
    Object.assign(process.env, {
      ADYEN_API_KEY: ADYEN_SIMULATOR_DEFAULTS.apiKey,
      ADYEN_CHECKOUT_ENDPOINT: sim.checkoutEndpoint,
      ADYEN_HMAC_KEY: TEST_ADYEN_HMAC_KEY,
    })
    harness.sim = sim
    harness.deliverTo = (baseUrl, provider = "adyen_adyen") =>
      sim.setEndpoints([{ url: `${baseUrl}/hooks/payment/${provider}`, hmacKey: TEST_ADYEN_HMAC_KEY }])
  })
  afterAll(async () => {
    await harness.sim?.stop()
  })
  return harness
}
