/**
 * Sizing benchmark (`npx tsx bench/sizing.ts`): how far one Postgres goes, and what each
 * acknowledgement and each order costs.
 *
 * The production topology of the README ("Production: servers, workers and Redis"): 4 server
 * processes and 2 worker processes (`MEDUSA_WORKER_MODE`) sharing Redis and one embedded Postgres,
 * the plugin's default options. Then:
 * - acknowledgement with 1, 2 and 4 of the servers: a closed loop of signed Stripe events
 *   (autocannon, SIZING_CONNECTIONS per server, SIZING_EVENTS events in all) - its throughput is
 *   the maximum sustainable rate - with Postgres commits/s (`pg_stat_database.xact_commit`), CPU
 *   per acknowledgement of the servers and of Postgres (`/proc/<pid>/stat`), WAL bytes per event
 *   (`pg_current_wal_lsn`);
 * - orders/s with 1, then 2 worker processes: SIZING_PAYMENTS checkouts prepared, then confirmed
 *   at the offline Stripe simulator all at once; orders/s from the first to the last order, with
 *   CPU per order of the workers and of Postgres.
 * The load generator, the simulator and every process share the machine: the load average is
 * recorded with each figure. Writes the table to docs/SCALING.md (between its `sizing` markers)
 * and docs/sizing.svg.
 */
import axios from "axios"
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../scripts/lib/seed-data"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"
import { startRedis, type RedisServer } from "../integration-tests/helpers/redis"
import { procStats } from "./proc"
import { createCartReadyForPayment } from "../integration-tests/helpers/store-flow"
import { startStripeSimulator, type StripeSimulator } from "../src/testing/stripe-simulator"
import { closedLoop, percentile } from "./load"
import { replaceSection } from "./report-section"
import { barChart } from "./sizing-chart"

const SERVER_COUNTS = [1, 2, 4]
const CONNECTIONS = Number(process.env.SIZING_CONNECTIONS || 16)
const EVENTS = Number(process.env.SIZING_EVENTS || 3000)
const PAYMENTS = Number(process.env.SIZING_PAYMENTS || 30)
const SECRET = "whsec_bench_sizing"
const DATABASE = "bench_sizing"
const SEED_OUTPUT = path.join(ROOT, "tmp", `sizing-seed-${process.pid}.json`)
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100

interface Snapshot {
  at: number
  commits: number
  wal: string
  cpu: Map<number, number>
}

interface AckResult {
  servers: number
  events: number
  perSecond: number
  p50: number
  p99: number
  statuses: Record<string, number>
  commitsPerSecond: number
  serverCpuMs: number
  postgresCpuMs: number
  walBytes: number
  load: number
}

interface OrderResult {
  workers: number
  orders: number
  payments: number
  perSecond: number
  workerCpuMs: number
  postgresCpuMs: number
  load: number
}

function log(message: string) {
  process.stderr.write(`[sizing ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

/** A process: its CPU time in clock ticks (user + system), also counting its children that ended (`withEnded`). */
interface ProcessTicks {
  pid: number
  parent: number
  group: number
  ticks: number
  withEnded: number
}

/** Every process on the machine with its own CPU ticks, and with those of its children that ended. */
function processes(): ProcessTicks[] {
  return procStats().map(({ pid, parent, group, fields }) => {
    // utime, stime, cutime, cstime: the 14th to 17th field of the line (11 to 14 after the command).
    const own = Number(fields[11]) + Number(fields[12])
    return { pid, parent, group, ticks: own, withEnded: own + Number(fields[13]) + Number(fields[14]) }
  })
}

/**
 * CPU ticks by process group for `groups` (each app's process tree), and under the key -1 the
 * Postgres server's: the postmaster with every backend that ended (a backend's time goes to the
 * postmaster when it exits, so closed connections are not lost) and every backend still running.
 */
function cpuTicks(groups: number[], postmaster: number): Map<number, number> {
  const ticks = new Map<number, number>()
  for (const { pid, parent, group, ticks: own, withEnded } of processes()) {
    const key = pid === postmaster || parent === postmaster ? -1 : groups.includes(group) ? group : undefined
    if (key !== undefined) {
      ticks.set(key, (ticks.get(key) ?? 0) + (pid === postmaster ? withEnded : own))
    }
  }
  return ticks
}

async function snapshot(db: Client, groups: number[], postmaster: number): Promise<Snapshot> {
  const { rows } = await db.query(
    `SELECT xact_commit::bigint AS commits, pg_current_wal_lsn()::text AS wal FROM pg_stat_database WHERE datname = $1`,
    [DATABASE]
  )
  return { at: performance.now(), commits: Number(rows[0].commits), wal: rows[0].wal, cpu: cpuTicks(groups, postmaster) }
}

const ticksToMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND

function cpuBetween(before: Snapshot, after: Snapshot, groups: number[]): number {
  return ticksToMs(groups.reduce((sum, group) => sum + (after.cpu.get(group) ?? 0) - (before.cpu.get(group) ?? 0), 0))
}

async function walBytes(db: Client, before: Snapshot, after: Snapshot): Promise<number> {
  const { rows } = await db.query(`SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint AS bytes`, [after.wal, before.wal])
  return Number(rows[0].bytes)
}

async function measureAck(db: Client, servers: ChildApp[], postmaster: number): Promise<AckResult> {
  const groups = servers.map((server) => server.process.pid!)
  const perServer = Math.ceil(EVENTS / servers.length)
  const hooks = servers.map((server) => `${server.baseUrl}/hooks/payment/stripe_stripe`)
  await Promise.all(hooks.map((hook) => closedLoop(hook, SECRET, CONNECTIONS, 200)))
  const loadBefore = os.loadavg()[0]
  const before = await snapshot(db, groups, postmaster)
  const runs = await Promise.all(hooks.map((hook) => closedLoop(hook, SECRET, CONNECTIONS, perServer)))
  const after = await snapshot(db, groups, postmaster)
  const seconds = (after.at - before.at) / 1000
  const events = runs.reduce((sum, run) => sum + run.latencies.length, 0)
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b)
  const statuses: Record<string, number> = {}
  for (const run of runs) {
    for (const [status, count] of Object.entries(run.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count
    }
  }
  return {
    servers: servers.length,
    events,
    perSecond: events / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    commitsPerSecond: (after.commits - before.commits) / seconds,
    serverCpuMs: cpuBetween(before, after, groups) / events,
    postgresCpuMs: cpuBetween(before, after, [-1]) / events,
    walBytes: (await walBytes(db, before, after)) / events,
    load: (loadBefore + os.loadavg()[0]) / 2,
  }
}

async function measureOrders(
  db: Client,
  server: ChildApp,
  workers: ChildApp[],
  postmaster: number,
  seed: SeedResult,
  sim: StripeSimulator
): Promise<OrderResult> {
  const api = axios.create({ baseURL: server.baseUrl })
  const stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 2 })
  log(`orders with ${workers.length} worker(s): preparing ${PAYMENTS} checkouts`)
  const carts: { cartId: string; intentId: string }[] = []
  const runId = `${workers.length}w${Date.now()}`
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < PAYMENTS) {
        const index = next++
        const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
          currency: "eur",
          providerId: "pp_stripe_stripe",
          email: `sizing-${runId}-${index}@example.com`,
        })
        carts.push({ cartId: cart.id, intentId: String(paymentSession.data.id) })
      }
    })
  )
  const groups = workers.map((worker) => worker.process.pid!)
  const loadBefore = os.loadavg()[0]
  const before = await snapshot(db, groups, postmaster)
  log(`orders with ${workers.length} worker(s): confirming ${PAYMENTS} payments`)
  next = 0
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < carts.length) {
        await stripe.paymentIntents.confirm(carts[next++].intentId, { payment_method: "pm_card_visa" })
      }
    })
  )
  const cartIds = carts.map((cart) => cart.cartId)
  const ordered = async () =>
    (await db.query(`SELECT min(created_at) AS first, max(created_at) AS last, count(*)::int AS orders FROM order_cart WHERE cart_id = ANY($1)`, [cartIds]))
      .rows[0] as { first: Date | null; last: Date | null; orders: number }
  const deadline = Date.now() + 15 * 60 * 1000
  let state = await ordered()
  while (state.orders < PAYMENTS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    state = await ordered()
  }
  const after = await snapshot(db, groups, postmaster)
  const seconds = state.first && state.last ? (state.last.getTime() - state.first.getTime()) / 1000 : NaN
  return {
    workers: workers.length,
    orders: state.orders,
    payments: PAYMENTS,
    perSecond: (state.orders - 1) / seconds,
    workerCpuMs: cpuBetween(before, after, groups) / state.orders,
    postgresCpuMs: cpuBetween(before, after, [-1]) / state.orders,
    load: (loadBefore + os.loadavg()[0]) / 2,
  }
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-")

function report(acks: AckResult[], orders: OrderResult[], minutes: number): string {
  const statuses = (result: AckResult) =>
    Object.entries(result.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(", ")
  return `## Sizing: \`npx tsx bench/sizing.ts\`, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC

Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, embedded
Postgres 17 (fsync off, synchronous_commit off), Redis; 4 server and 2 worker processes (\`medusa start\`, NODE_ENV
development) with the plugin's default options. Run took ${minutes.toFixed(1)} min. The load generator (signing every event),
the Stripe simulator and all processes share the machine's ${os.cpus().length} cores.

### Acknowledgement: maximum sustainable rate

Closed loop: ${CONNECTIONS} connections per server, ${EVENTS} signed Stripe events in all (payments of another integration:
verified and stored as \`ignored\`, no processing). CPU per acknowledgement: user + system time of the process
trees over the run divided by the events; Postgres: the postmaster and all its backends.

| servers | acks/s | p50 ms | p99 ms | statuses | Postgres commits/s | server CPU ms/ack | Postgres CPU ms/ack | WAL bytes/event | load average |
|---|---|---|---|---|---|---|---|---|---|
${acks
  .map(
    (result) =>
      `| ${result.servers} | **${Math.round(result.perSecond)}** | ${fixed(result.p50)} | ${fixed(result.p99)} | ${statuses(result)} | ${Math.round(result.commitsPerSecond)} | ${fixed(result.serverCpuMs, 2)} | ${fixed(result.postgresCpuMs, 2)} | ${Math.round(result.walBytes)} | ${fixed(result.load)} |`
  )
  .join("\n")}

### Orders per second

${PAYMENTS} checkouts prepared through the store API, then their PaymentIntents confirmed at the simulator
16 at a time; the simulator delivers the events to one server, the workers run the processing (claim, cart
lock, \`completeCartWorkflow\`). Orders/s from the first to the last order (\`order_cart.created_at\`).

| workers | orders | orders/s | worker CPU ms/order | Postgres CPU ms/order | load average |
|---|---|---|---|---|---|
${orders
  .map(
    (result) =>
      `| ${result.workers} | ${result.orders}/${result.payments} | **${fixed(result.perSecond, 2)}** | ${fixed(result.workerCpuMs, 0)} | ${fixed(result.postgresCpuMs, 0)} | ${fixed(result.load)} |`
  )
  .join("\n")}

![Acknowledgements/s by server processes, CPU per acknowledgement, orders/s by worker processes](sizing.svg)
`
}

async function main() {
  const started = Date.now()
  const { freePort, startEmbeddedPostgres } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-sizing-pg-"))
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  const postmaster = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
  Object.assign(process.env, { DB_HOST: "localhost", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
  const apps: ChildApp[] = []
  let redis: RedisServer | undefined
  let sim: StripeSimulator | undefined
  try {
    redis = await startRedis()
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
    const databaseUrl = await freshDatabase(DATABASE)
    const env = childEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, LOG_LEVEL: "error", ...simulatorEnv(sim.port, SECRET), SEED_OUTPUT })
    log("migrating and seeding")
    fs.mkdirSync(path.dirname(SEED_OUTPUT), { recursive: true })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
    const seed = JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8")) as SeedResult
    fs.rmSync(SEED_OUTPUT, { force: true })
    log("starting 4 servers and 1 worker")
    const servers: ChildApp[] = []
    for (const batch of [2, 2]) {
      servers.push(...(await Promise.all(Array.from({ length: batch }, () => startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "server" })))))
    }
    apps.push(...servers)
    const workers = [await startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "worker" })]
    apps.push(...workers)
    sim.setEndpoints([{ url: `${servers[0].baseUrl}/hooks/payment/stripe_stripe`, secret: SECRET }])
    const db = new Client({ connectionString: databaseUrl })
    await db.connect()
    try {
      const acks: AckResult[] = []
      for (const count of SERVER_COUNTS) {
        log(`acknowledgement with ${count} server(s)`)
        acks.push(await measureAck(db, servers.slice(0, count), postmaster))
        log(JSON.stringify(acks[acks.length - 1]))
      }
      const orders: OrderResult[] = [await measureOrders(db, servers[0], workers, postmaster, seed, sim)]
      log(JSON.stringify(orders[0]))
      log("starting a second worker")
      workers.push(await startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "worker" }))
      apps.push(workers[1])
      orders.push(await measureOrders(db, servers[0], workers, postmaster, seed, sim))
      log(JSON.stringify(orders[1]))
      const section = report(acks, orders, (Date.now() - started) / 60_000)
      replaceSection(path.join(ROOT, "docs", "SCALING.md"), "sizing", section)
      fs.writeFileSync(path.join(ROOT, "docs", "sizing.svg"), barChart(acks, orders))
      process.stdout.write(section)
    } finally {
      await db.end()
    }
    log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min: docs/SCALING.md, docs/sizing.svg`)
  } finally {
    await Promise.all(apps.map((app) => app.stop()))
    await sim?.stop()
    await redis?.stop()
    await pg.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exitCode = 1
})
