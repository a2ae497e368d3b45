import { SIMULATOR_DEFAULTS, startStripeSimulator, type StripeSimulatorOptions } from "./index"

/**
 * Reads the simulator's settings from the environment: `STRIPE_SIM_PORT`, `STRIPE_API_KEY`,
 * `STRIPE_WEBHOOK_SECRET`, `STRIPE_SIM_WEBHOOK_URLS` (comma-separated; empty for none) and
 * `STRIPE_SIM_SPREAD` (`all`, the default: every event to every URL; `round-robin`: the URLs are servers
 * behind one load balancer, each event goes to the next one and a failed attempt is retried on the next).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): StripeSimulatorOptions {
  const rawPort = env.STRIPE_SIM_PORT || String(SIMULATOR_DEFAULTS.port)
  const port = Number(rawPort)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`STRIPE_SIM_PORT must be a port number between 0 and 65535, got "${rawPort}"`)
  }
  const secret = env.STRIPE_WEBHOOK_SECRET || SIMULATOR_DEFAULTS.webhookSecret
  const urls = (env.STRIPE_SIM_WEBHOOK_URLS ?? SIMULATOR_DEFAULTS.webhookUrl)
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean)
  const spread = env.STRIPE_SIM_SPREAD
  if (spread !== undefined && spread !== "all" && spread !== "round-robin") {
    throw new Error(`STRIPE_SIM_SPREAD must be "all" or "round-robin", got "${spread}"`)
  }
  return {
    port,
    apiKey: env.STRIPE_API_KEY || SIMULATOR_DEFAULTS.apiKey,
    endpoints: urls.map((url) => ({ url, secret })),
    ...(spread && { delivery: { spread } }),
  }
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env)
  const simulator = await startStripeSimulator(options)
  const targets = options.endpoints?.map((endpoint) => endpoint.url).join(", ") || "no endpoints"
  const spread = options.delivery?.spread === "round-robin" ? " (round robin)" : ""
  console.log(`Stripe simulator listening on ${simulator.url}, delivering webhooks to ${targets}${spread}`)
  console.log(`Dashboard: ${simulator.url}/_simulator (JSON actions: ${simulator.url}/_simulator/help)`)
  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("Stripe simulator failed to stop cleanly:", error)
        process.exit(1)
      }
    )
  }
  process.once("SIGINT", shutdown)
  process.once("SIGTERM", shutdown)
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error("Stripe simulator failed to start:", error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
