import { ADYEN_SIMULATOR_DEFAULTS, startAdyenSimulator, type AdyenSimulatorOptions } from "./index"

/**
 * Reads the simulator's settings from the environment: `ADYEN_SIM_PORT`, `ADYEN_API_KEY`,
 * `ADYEN_HMAC_KEY` (the first of a comma-separated list signs) and `ADYEN_SIM_WEBHOOK_URLS`
 * (comma-separated; empty for none).
 */
export function adyenOptionsFromEnv(env: NodeJS.ProcessEnv): AdyenSimulatorOptions {
  const rawPort = env.ADYEN_SIM_PORT || String(ADYEN_SIMULATOR_DEFAULTS.port)
  const port = Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`ADYEN_SIM_PORT must be a port number between 0 and 65535, got "${rawPort}"`)
  }
  const hmacKey = (env.ADYEN_HMAC_KEY || ADYEN_SIMULATOR_DEFAULTS.hmacKey).split(",")[0].trim()
  const urls = (env.ADYEN_SIM_WEBHOOK_URLS ?? ADYEN_SIMULATOR_DEFAULTS.webhookUrl)
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean)
  return {
    port,
    apiKey: env.ADYEN_API_KEY || ADYEN_SIMULATOR_DEFAULTS.apiKey,
    endpoints: urls.map((url) => ({ url, hmacKey })),
  }
}

async function main(): Promise<void> {
  const options = adyenOptionsFromEnv(process.env)
  const simulator = await startAdyenSimulator(options)
  const targets = options.endpoints?.map((endpoint) => endpoint.url).join(", ") || "no endpoints"
  console.log(`Adyen simulator listening on ${simulator.checkoutEndpoint}, delivering notifications to ${targets}`)
  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("Adyen simulator failed to stop cleanly:", error)
        process.exit(1)
      }
    )
  }
  process.once("SIGINT", shutdown)
  process.once("SIGTERM", shutdown)
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error("Adyen simulator failed to start:", error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
