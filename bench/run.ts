/**
 * `npm run bench` (`-- --quick` for a short smoke run): Medusa's stock webhook handling against this
 * plugin, side by side, on one machine and one embedded Postgres.
 *
 * - stock: a Medusa app with this repository's Stripe provider (pointed at the offline simulator),
 *   Medusa's core route `/hooks/payment/:provider` and core `payment.webhook_received` subscriber;
 * - plugin: the same app plus the plugin (its inbox module with default options, its route,
 *   subscribers, jobs and workflows), see `writeApp`.
 *
 * The apps run one after the other (`medusa start`, each on its own database), so neither measures
 * the other's load. For each: RSS after warm-up; a closed loop of signed events (autocannon; its
 * throughput is the closed-loop rate) and RSS after it; open-loop acknowledgement at fixed rates,
 * then the maximum sustainable rate;
 * webhook to order (the simulator's first delivery of the authorizing event to the order-cart row,
 * seen through a Postgres trigger's NOTIFY, sent when the row commits); payments per second at
 * saturation. Writes bench/RESULTS.md (between its `bench:run` markers) and bench/latency.svg.
 * BENCH_PROFILE=true also writes V8 CPU profiles of both apps to bench/profiles/.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../scripts/lib/seed-data"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"
import { createCartReadyForPayment, type StoreApi } from "../integration-tests/helpers/store-flow"
import { startStripeSimulator, type StripeSimulator } from "../src/testing/stripe-simulator"
import { latencyChart, type Curve } from "./chart"
import { procStats } from "./proc"
import { closedLoop, openLoop, percentile, type LoadResult } from "./load"

const QUICK = process.argv.includes("--quick")
const PLAN = QUICK
  ? { warmUp: 200, memoryEvents: 1_000, rates: [100, 300], rateSeconds: 3, stepSeconds: 2, payments: 10, paymentRate: 5, saturation: 20 }
  : { warmUp: 1_000, memoryEvents: 10_000, rates: [100, 300, 600], rateSeconds: 20, stepSeconds: 5, payments: 100, paymentRate: 5, saturation: 200 }
/**
 * A focused run (`--app=plugin`, `--phases=order`, ...) measures only what it names and prints its
 * figures as JSON instead of rewriting RESULTS.md: for comparing a change before and after.
 */
const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1]
const APPS = (argument("app")?.split(",") ?? ["stock", "plugin"]) as AppName[]
const PHASES = new Set(argument("phases")?.split(",") ?? ["memory", "open", "order", "saturation"])
const FOCUSED = argument("app") !== undefined || argument("phases") !== undefined
const CLOSED_LOOP_CONNECTIONS = 16
const CONFIRM_CONCURRENCY = 16
const SECRET = "whsec_bench"
const PROVIDER = "stripe_stripe"
const APP_DIRS: Record<AppName, string> = {
  stock: path.join(ROOT, "tmp", `bench-stock-app-${process.pid}`),
  plugin: path.join(ROOT, "tmp", `bench-plugin-app-${process.pid}`),
}
const PROFILE = process.env.BENCH_PROFILE === "true"
const PROFILE_DIR = path.join(ROOT, "bench", "profiles")

/** The two apps of a run. */
export type AppName = "stock" | "plugin"

/** What one app measured. */
export interface AppResult {
  rssWarm: number
  rssAfter: number
  closed: LoadResult
  open: LoadResult[]
  sustainable: { rate: number; steps: LoadResult[] }
  toOrder: { latencies: number[]; orders: number; expected: number; hops: Hop[] }
  saturation: { payments: number; orders: number; seconds: number; processingSeconds: number }
  /** CPU time (ms) the app spent per event of the closed loop, its deferred work included (stock verifies 5 s later). */
  cpuPerEvent: number
  /** CPU time (ms) the app spent per payment at saturation, from the first confirm to the last order. */
  cpuPerPayment: number
  load: number[]
}

/** One stretch of webhook to order and its durations (ms), one per payment. */
interface Hop {
  label: string
  durations: number[]
}

/** A rate is sustained when every request is answered 200, answers keep up with it and p99 stays this low. */
const SUSTAINED_P99_MS = 100

function log(message: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

/**
 * The two apps differ by the plugin and nothing else: the same generated `medusa-config.js` (the
 * Payment Module with this repository's Stripe provider, no other provider, admin off), plus, for
 * the plugin app, the inbox module with its default options and this repository's `src/` (routes,
 * subscribers, jobs, workflows) as the app's own `src/`.
 */
function writeApp(dir: string, withPlugin: boolean): void {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: path.basename(dir), private: true, dependencies: { "@medusajs/medusa": "2.21.2" } }))
  if (withPlugin) {
    fs.symlinkSync(path.join(ROOT, "src"), path.join(dir, "src"), "dir")
  }
  fs.writeFileSync(
    path.join(dir, "medusa-config.js"),
    `const { defineConfig, Modules } = require("@medusajs/framework/utils")
module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: { jwtSecret: "bench", cookieSecret: "bench", storeCors: "*", adminCors: "*", authCors: "*" },
  },
  admin: { disable: true },
  modules: [${withPlugin ? `{ resolve: ${JSON.stringify(path.join(ROOT, "src", "modules", "payment-webhooks"))} }, ` : ""}{ resolve: "@medusajs/medusa/payment", key: Modules.PAYMENT, options: { providers: [{
    resolve: ${JSON.stringify(path.join(ROOT, "src", "providers", "stripe"))},
    id: "stripe",
    options: {
      apiKey: process.env.STRIPE_API_KEY,
      webhookSecret: [process.env.STRIPE_WEBHOOK_SECRET],
      apiHost: "localhost",
      apiPort: Number(process.env.STRIPE_API_PORT),
      apiProtocol: "http",
    },
  }] } }],
})
`
  )
}

/** Sums `measure(pid, statFields)` over every process in the app's process group. */
function sumOverGroup(app: ChildApp, measure: (pid: string, fields: string[]) => number): number {
  let total = 0
  for (const { pid, group, fields } of procStats()) {
    if (group === app.process.pid) {
      try {
        total += measure(String(pid), fields)
      } catch {
        // the process ended meanwhile
      }
    }
  }
  return total
}

/** RSS (bytes) of every process in the app's process group. */
function rssOf(app: ChildApp): number {
  return sumOverGroup(app, (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024)
}

/**
 * CPU time (ms, user + system) the app's processes have used so far. What a piece of work costs in
 * CPU moves far less than its wall time when other processes load the machine (a third at load 20
 * on 2 cores, against a hundredfold for latencies).
 */
function cpuMsOf(app: ChildApp): number {
  // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  return sumOverGroup(app, (_pid, fields) => (Number(fields[11]) + Number(fields[12])) * 10)
}

/** The store API over fetch, as `createCartReadyForPayment` expects it. */
function storeApi(baseUrl: string): StoreApi {
  return {
    async post<T>(url: string, body?: unknown, config?: { headers?: Record<string, string> }) {
      const response = await fetch(`${baseUrl}${url}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...config?.headers },
        body: JSON.stringify(body ?? {}),
      })
      return { status: response.status, data: (await response.json()) as T }
    },
  }
}

/** Notifies with the cart id when an order-cart link is committed. */
async function watchOrders(databaseUrl: string): Promise<{ seen: Map<string, number>; stop: () => Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl })
  client.on("error", (error) => log(`order watcher: ${error.message}`))
  await client.connect()
  await client.query(`CREATE OR REPLACE FUNCTION bench_order_created() RETURNS trigger AS $$
    BEGIN PERFORM pg_notify('bench_order', NEW.cart_id); RETURN NEW; END $$ LANGUAGE plpgsql`)
  await client.query(`DROP TRIGGER IF EXISTS bench_order_created ON order_cart`)
  await client.query(`CREATE TRIGGER bench_order_created AFTER INSERT ON order_cart FOR EACH ROW EXECUTE FUNCTION bench_order_created()`)
  const seen = new Map<string, number>()
  client.on("notification", (message) => {
    if (message.payload && !seen.has(message.payload)) {
      seen.set(message.payload, Date.now())
    }
  })
  await client.query("LISTEN bench_order")
  return { seen, stop: () => client.end() }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return condition()
}

let shoppers = 0

/**
 * Carts ready for payment (each for a new shopper: concurrent guest checkouts with one email race to
 * create the customer), with the PaymentIntent each session created at the simulator.
 */
async function prepareCarts(app: ChildApp, seed: SeedResult, count: number) {
  const api = storeApi(app.baseUrl)
  const carts: { cartId: string; intentId: string }[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        next += 1
        const email = `buyer-${++shoppers}@example.com`
        const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: `pp_${PROVIDER}`, email })
        carts.push({ cartId: cart.id, intentId: String(paymentSession.data.id) })
      }
    })
  )
  return carts
}

/** When the simulator first sent the event that authorized `intentId` to the app. */
function authorizationSentAt(sim: StripeSimulator, intentId: string, baseUrl: string): number | undefined {
  const event = sim.events.find(
    (candidate) => candidate.type === "payment_intent.amount_capturable_updated" && (candidate.data.object as { id: string }).id === intentId
  )
  return sim.deliveries.find((delivery) => delivery.eventId === event?.id && delivery.url.startsWith(baseUrl) && delivery.attempt === 1)?.sentAt
}

async function measureApp(name: AppName, cwd: string, env: NodeJS.ProcessEnv, databaseUrl: string, seed: SeedResult, sim: StripeSimulator): Promise<AppResult> {
  const load = [os.loadavg()[0]]
  const orders = await watchOrders(databaseUrl)
  const app = await startMedusa(cwd, env, undefined, { nodeArgs: PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : [] }).catch(
    async (error) => {
      await orders.stop()
      throw error
    }
  )
  const hook = `${app.baseUrl}/hooks/payment/${PROVIDER}`
  sim.setEndpoints([{ url: hook, secret: SECRET }])
  const stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 })
  const confirm = (intentId: string) => stripe.paymentIntents.confirm(intentId, { payment_method: "pm_card_visa" })
  const none: LoadResult = { offered: 0, seconds: 0, latencies: [], statuses: {}, achieved: NaN }
  const result: AppResult = {
    rssWarm: NaN,
    rssAfter: NaN,
    closed: none,
    open: [],
    sustainable: { rate: NaN, steps: [] },
    toOrder: { latencies: [], orders: 0, expected: 0, hops: [] },
    saturation: { payments: 0, orders: 0, seconds: NaN, processingSeconds: NaN },
    cpuPerEvent: NaN,
    cpuPerPayment: NaN,
    load,
  }
  try {
    log(`${name}: warm-up`)
    await closedLoop(hook, SECRET, CLOSED_LOOP_CONNECTIONS, PLAN.warmUp)
    for (const { intentId } of await prepareCarts(app, seed, 5)) {
      await confirm(intentId)
    }
    await settle(name)
    result.rssWarm = rssOf(app)

    if (PHASES.has("memory")) {
      log(`${name}: closed loop, ${PLAN.memoryEvents} events`)
      const cpuBefore = cpuMsOf(app)
      result.closed = await closedLoop(hook, SECRET, CLOSED_LOOP_CONNECTIONS, PLAN.memoryEvents)
      await settle(name)
      result.cpuPerEvent = (cpuMsOf(app) - cpuBefore) / PLAN.memoryEvents
      result.rssAfter = rssOf(app)
      load.push(os.loadavg()[0])
    }

    if (PHASES.has("open")) {
      for (const rate of PLAN.rates) {
        log(`${name}: open loop ${rate}/s for ${PLAN.rateSeconds} s`)
        result.open.push(await openLoop(hook, SECRET, rate, PLAN.rateSeconds))
        await settle(name)
      }
      result.sustainable = await sustainableRate(name, hook, result.open)
      load.push(os.loadavg()[0])
    }

    if (PHASES.has("order")) {
      log(`${name}: webhook to order, ${PLAN.payments} payments at ${PLAN.paymentRate}/s`)
      const paced = await prepareCarts(app, seed, PLAN.payments)
      const pacedStart = Date.now()
      await Promise.all(
        paced.map(async ({ intentId }, index) => {
          await new Promise((resolve) => setTimeout(resolve, pacedStart + (index * 1000) / PLAN.paymentRate - Date.now()))
          await confirm(intentId)
        })
      )
      await waitUntil(() => paced.every(({ cartId }) => orders.seen.has(cartId)), 60_000)
      const toOrder = paced.flatMap(({ cartId, intentId }) => {
        const sentAt = authorizationSentAt(sim, intentId, app.baseUrl)
        const orderAt = orders.seen.get(cartId)
        return sentAt !== undefined && orderAt !== undefined ? [orderAt - sentAt] : []
      })
      toOrder.sort((a, b) => a - b)
      const hops = await hopsToOrder(databaseUrl, paced, (intentId) => authorizationSentAt(sim, intentId, app.baseUrl), orders.seen)
      result.toOrder = { latencies: toOrder, orders: toOrder.length, expected: paced.length, hops }
      load.push(os.loadavg()[0])
    }

    if (PHASES.has("saturation")) {
      log(`${name}: saturation, ${PLAN.saturation} payments`)
      const burst = await prepareCarts(app, seed, PLAN.saturation)
      const cpuBefore = cpuMsOf(app)
      const burstStart = Date.now()
      let next = 0
      await Promise.all(
        Array.from({ length: CONFIRM_CONCURRENCY }, async () => {
          while (next < burst.length) {
            await confirm(burst[next++].intentId)
          }
        })
      )
      await waitUntil(() => burst.every(({ cartId }) => orders.seen.has(cartId)), 180_000)
      const done = burst.map(({ cartId }) => orders.seen.get(cartId)).filter((at): at is number => at !== undefined)
      result.cpuPerPayment = (cpuMsOf(app) - cpuBefore) / burst.length
      result.saturation = {
        payments: burst.length,
        orders: done.length,
        seconds: (Math.max(...done) - burstStart) / 1000,
        processingSeconds: (Math.max(...done) - Math.min(...done)) / 1000,
      }
      load.push(os.loadavg()[0])
    }
    return result
  } finally {
    await app.stop()
    await orders.stop()
  }
}

/**
 * The maximum sustainable rate, open loop: from the highest fixed rate the app sustained, the rate
 * goes up by a fifth every `stepSeconds` until the app no longer sustains it (see SUSTAINED_P99_MS);
 * the last rate it sustained is the answer (0 when it sustained none).
 */
async function sustainableRate(name: AppName, hook: string, fixed: LoadResult[]): Promise<AppResult["sustainable"]> {
  const sustained = (run: LoadResult) =>
    run.statuses["200"] === run.latencies.length &&
    run.achieved >= 0.95 * run.offered &&
    percentile(run.latencies, 99) <= SUSTAINED_P99_MS
  let rate = Math.max(0, ...fixed.filter(sustained).map((run) => run.offered))
  if (rate === 0) {
    return { rate: 0, steps: [] }
  }
  const steps: LoadResult[] = []
  for (;;) {
    const next = Math.round((rate * 1.2) / 10) * 10
    log(`${name}: sustainable rate, trying ${next}/s for ${PLAN.stepSeconds} s`)
    const run = await openLoop(hook, SECRET, next, PLAN.stepSeconds)
    steps.push(run)
    await settle(name)
    if (!sustained(run)) {
      return { rate, steps }
    }
    rate = next
  }
}

/**
 * Where webhook to order went, per payment, from the database's timestamps (same machine, same
 * clock): the simulator's send -> the inbox row (plugin) -> its claim by a worker (plugin) -> the
 * session authorized -> the order-cart row seen committed. Stock has no inbox, and its session's
 * `authorized_at` is no landmark (a quick run saw it after the order's commit): its time is the total
 * alone, which includes the core route's 5 s delay.
 */
async function hopsToOrder(
  databaseUrl: string,
  paced: { cartId: string; intentId: string }[],
  sentAt: (intentId: string) => number | undefined,
  ordersSeen: Map<string, number>
): Promise<Hop[]> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows: [{ inbox }] } = await client.query(`SELECT to_regclass('payment_webhook_event') IS NOT NULL AS inbox`)
    if (!inbox) {
      return []
    }
    const { rows } = await client.query(
      `SELECT s.data->>'id' AS intent_id,
              extract(epoch FROM s.authorized_at) * 1000 AS authorized_at,
              (SELECT extract(epoch FROM e.created_at) * 1000 FROM payment_webhook_event e
                WHERE e.session_id = s.id AND e.event_type = 'payment_intent.amount_capturable_updated'
                ORDER BY e.created_at LIMIT 1) AS stored_at,
              (SELECT extract(epoch FROM a.started_at) * 1000 FROM payment_webhook_event e
                JOIN payment_webhook_attempt a ON a.event_id = e.id
                WHERE e.session_id = s.id AND e.event_type = 'payment_intent.amount_capturable_updated'
                ORDER BY a.started_at LIMIT 1) AS claimed_at
         FROM payment_session s WHERE s.data->>'id' = ANY($1)`,
      [paced.map(({ intentId }) => intentId)]
    )
    const byIntent = new Map(rows.map((row) => [row.intent_id as string, row]))
    const stretches: [string, (at: Record<string, number | undefined>) => number | undefined][] = [
      ["send -> inbox row", (at) => diff(at.stored, at.sent)],
      ["inbox row -> claimed", (at) => diff(at.claimed, at.stored)],
      ["claimed -> authorized", (at) => diff(at.authorized, at.claimed)],
      ["authorized -> order", (at) => diff(at.order, at.authorized)],
    ]
    const moments = paced.map(({ cartId, intentId }) => {
      const row = byIntent.get(intentId)
      const number = (value: unknown) => (value === null || value === undefined ? undefined : Number(value))
      return {
        sent: sentAt(intentId),
        stored: number(row?.stored_at),
        claimed: number(row?.claimed_at),
        authorized: number(row?.authorized_at),
        order: ordersSeen.get(cartId),
      }
    })
    return stretches.map(([label, of]) => ({
      label,
      durations: moments.map(of).filter((value): value is number => value !== undefined).sort((a, b) => a - b),
    }))
  } finally {
    await client.end()
  }
}

const diff = (later: number | undefined, earlier: number | undefined) =>
  later === undefined || earlier === undefined ? undefined : later - earlier

/** Lets background work finish: stock processes its webhooks 5 s after acknowledging them. */
async function settle(name: AppName) {
  await new Promise((resolve) => setTimeout(resolve, name === "stock" ? 7_000 : 2_000))
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "-")
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`
const ratio = (plugin: number, stock: number) => (stock ? `${(plugin / stock).toFixed(2)}x` : "-")

/** The `bench:run` section of RESULTS.md for a run of both apps. */
export function report(results: Record<AppName, AppResult>, minutes: number): string {
  const { stock, plugin } = results
  const cpus = os.cpus()
  const loads = [...stock.load, ...plugin.load]
  const contended = Math.max(...loads) > cpus.length * 0.75
  const statusText = (statuses: Record<string, number>) =>
    Object.entries(statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(", ")
  const ackRows = (["stock", "plugin"] as const).flatMap((name) => [
    ...results[name].open.map(
      (run) =>
        `| ${name} | ${run.offered}/s open loop | ${Math.round(run.achieved)} | ${ms(percentile(run.latencies, 50))} | ${ms(percentile(run.latencies, 95))} | ${ms(percentile(run.latencies, 99))} | ${ms(run.latencies[run.latencies.length - 1])} | ${statusText(run.statuses)} |`
    ),
    ...results[name].sustainable.steps.map(
      (run) =>
        `| ${name} | ${run.offered}/s open loop, ${PLAN.stepSeconds} s step | ${Math.round(run.achieved)} | ${ms(percentile(run.latencies, 50))} | ${ms(percentile(run.latencies, 95))} | ${ms(percentile(run.latencies, 99))} | ${ms(run.latencies[run.latencies.length - 1])} | ${statusText(run.statuses)} |`
    ),
    `| ${name} | closed loop, ${CLOSED_LOOP_CONNECTIONS} connections | **${Math.round(results[name].closed.achieved)}** | ${ms(percentile(results[name].closed.latencies, 50))} | ${ms(percentile(results[name].closed.latencies, 95))} | ${ms(percentile(results[name].closed.latencies, 99))} | ${ms(results[name].closed.latencies[results[name].closed.latencies.length - 1])} | ${statusText(results[name].closed.statuses)} |`,
  ])
  const orderRow = (name: AppName) => {
    const { latencies, orders, expected } = results[name].toOrder
    return `| ${name} | ${orders}/${expected} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 95))} | ${ms(latencies[latencies.length - 1])} |`
  }
  const throughput = (name: AppName) => {
    const { payments, orders, seconds, processingSeconds } = results[name].saturation
    return { overall: orders / seconds, processing: (orders - 1) / processingSeconds, payments, orders }
  }
  const p300 = (name: AppName) => percentile(results[name].open.find((run) => run.offered === 300)?.latencies ?? [], 99)
  const targets = [
    ["acknowledgement throughput (max sustainable rate, open loop)", ">= 1.0x stock", `${stock.sustainable.rate}/s`, `${plugin.sustainable.rate}/s`, ratio(plugin.sustainable.rate, stock.sustainable.rate)],
    ["acknowledgement throughput (closed loop)", ">= 1.0x stock", `${Math.round(stock.closed.achieved)}/s`, `${Math.round(plugin.closed.achieved)}/s`, ratio(plugin.closed.achieved, stock.closed.achieved)],
    ["acknowledgement p99 at 300 events/s", "<= 10 ms", `${ms(p300("stock"))} ms`, `${ms(p300("plugin"))} ms`, ratio(p300("plugin"), p300("stock"))],
    ["webhook to order, p50", "<= 250 ms", `${ms(percentile(stock.toOrder.latencies, 50))} ms`, `${ms(percentile(plugin.toOrder.latencies, 50))} ms`, ratio(percentile(plugin.toOrder.latencies, 50), percentile(stock.toOrder.latencies, 50))],
    ["webhook to order, p95", "<= 500 ms", `${ms(percentile(stock.toOrder.latencies, 95))} ms`, `${ms(percentile(plugin.toOrder.latencies, 95))} ms`, ratio(percentile(plugin.toOrder.latencies, 95), percentile(stock.toOrder.latencies, 95))],
    ["end-to-end payments/s (confirm to last order)", ">= stock", throughput("stock").overall.toFixed(1), throughput("plugin").overall.toFixed(1), ratio(throughput("plugin").overall, throughput("stock").overall)],
    ["RSS after the closed loop", "<= stock + 5 %", mb(stock.rssAfter), mb(plugin.rssAfter), ratio(plugin.rssAfter, stock.rssAfter)],
  ]
  return `## Side by side: \`npm run bench${QUICK ? " -- --quick" : ""}\`, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC

Machine: ${cpus.length} x ${cpus[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, embedded Postgres 17
(fsync off). Both apps run \`medusa start\` (NODE_ENV development) one after the other on the same Postgres, the
simulator and the load generator in the benchmark's process. Run took ${minutes.toFixed(1)} min.${PROFILE ? " CPU profiling was on (BENCH_PROFILE), which slows both apps." : ""}
Load average (1 min) during the run: stock ${stock.load.map((value) => value.toFixed(1)).join(" -> ")}, plugin ${plugin.load.map((value) => value.toFixed(1)).join(" -> ")}.
${contended ? `**These numbers are contended**: the load average exceeded the machine's ${cpus.length} cores (other processes were running), so absolute figures are low and noisy; compare the two apps, measured minutes apart, with care.` : "The machine was otherwise quiet."}

### Targets

| figure | target | stock | plugin | plugin / stock |
|---|---|---|---|---|
${targets.map((row) => `| ${row.join(" | ")} |`).join("\n")}

### Acknowledgement

Signed \`payment_intent.succeeded\` and \`charge.refunded\` events (alternating, each with a new id, signed with
\`stripe.webhooks.generateTestHeaderString\`) of payments another integration on the same Stripe account made (no
\`metadata.session_id\`): the plugin verifies each and stores it (\`ignored\`) before answering; stock answers after
queueing it and verifies it 5 s later. Open loop: requests leave at fixed intervals whatever the answers do (a
socket per request in flight) and latency counts from when a request was due. After the fixed rates, the rate
goes up by a fifth every ${PLAN.stepSeconds} s from the highest one the app sustained, until it no longer sustains it (every
request answered 200, answers within 5 % of the offered rate, p99 <= ${SUSTAINED_P99_MS} ms): the last sustained rate is the
maximum sustainable rate (stock: ${stock.sustainable.rate}/s, plugin: ${plugin.sustainable.rate}/s). Closed loop (run first, it
is also the memory run): autocannon, ${CLOSED_LOOP_CONNECTIONS} connections, ${PLAN.memoryEvents} events, each sent as soon as the last was answered.

| app | load | answered/s | p50 ms | p95 ms | p99 ms | max ms | statuses |
|---|---|---|---|---|---|---|---|
${ackRows.join("\n")}

### Webhook to order

${PLAN.payments} checkouts (a cart with one item, addresses, shipping and a Stripe payment session) confirmed with
\`pm_card_visa\` at ${PLAN.paymentRate}/s (manual capture: the authorizing event is \`payment_intent.amount_capturable_updated\`).
Clock: from the simulator's first delivery attempt of that event to the commit of the order-cart row.

| app | orders | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
${orderRow("stock")}
${orderRow("plugin")}

Where the plugin's time went (from the database's timestamps: inbox row inserted, claimed by a worker, session
authorized; the order-cart row as seen committed). Stock has no such landmarks; its total includes the core
route's 5 s delay.

| app | stretch | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
${(["stock", "plugin"] as const)
  .flatMap((name) =>
    results[name].toOrder.hops.map(
      ({ label, durations }) =>
        `| ${name} | ${label} | ${ms(percentile(durations, 50))} | ${ms(percentile(durations, 95))} | ${ms(durations[durations.length - 1])} |`
    )
  )
  .join("\n")}

### End-to-end throughput and memory

${PLAN.saturation} checkouts confirmed ${CONFIRM_CONCURRENCY} at a time; payments/s = orders / (last order - first confirm);
"processing" = orders / (last order - first order), which leaves out stock's fixed 5 s delay.
RSS: all processes of the app, after warm-up (${PLAN.warmUp} events and 5 checkouts) and after ${PLAN.memoryEvents} more events.
CPU time (user + system, all processes of the app; it moves far less than wall time when other work loads the machine): per event
of the closed loop (stock's deferred verification included) and per payment at saturation.

| app | orders | payments/s | processing payments/s | RSS after warm-up | RSS after ${PLAN.memoryEvents} events | CPU ms per event | CPU ms per payment |
|---|---|---|---|---|---|---|---|
${(["stock", "plugin"] as const)
  .map((name) => {
    const t = throughput(name)
    return `| ${name} | ${t.orders}/${t.payments} | ${t.overall.toFixed(1)} | ${t.processing.toFixed(1)} | ${mb(results[name].rssWarm)} | ${mb(results[name].rssAfter)} | ${results[name].cpuPerEvent.toFixed(2)} | ${results[name].cpuPerPayment.toFixed(0)} |`
  })
  .join("\n")}

![Latency distributions](latency.svg)
`
}

/** The figures of a focused run, per app: percentiles in ms, rates per second, RSS in MB. */
function focusedSummary(results: Partial<Record<AppName, AppResult>>) {
  const spread = (latencies: number[]) => ({
    n: latencies.length,
    p50: Number(ms(percentile(latencies, 50))),
    p95: Number(ms(percentile(latencies, 95))),
    p99: Number(ms(percentile(latencies, 99))),
    max: Number(ms(latencies[latencies.length - 1])),
  })
  return Object.fromEntries(
    Object.entries(results).map(([name, result]) => [
      name,
      {
        rss: { warm: Math.round(result.rssWarm / 2 ** 20), after: Math.round(result.rssAfter / 2 ** 20) },
        closed: { rate: Math.round(result.closed.achieved), ...spread(result.closed.latencies) },
        open: result.open.map((run) => ({ offered: run.offered, answered: Math.round(run.achieved), ...spread(run.latencies) })),
        sustainable: result.sustainable.rate,
        toOrder: spread(result.toOrder.latencies),
        hops: Object.fromEntries(result.toOrder.hops.map(({ label, durations }) => [label, spread(durations)])),
        saturation: result.saturation.orders / result.saturation.seconds,
        cpuMsPerEvent: Number(result.cpuPerEvent.toFixed(3)),
        cpuMsPerPayment: Number(result.cpuPerPayment.toFixed(1)),
        load: result.load.map((value) => Number(value.toFixed(1))),
      },
    ])
  )
}

function writeResults(section: string) {
  const file = path.join(ROOT, "bench", "RESULTS.md")
  const [begin, end] = ["<!-- bench:run:start -->", "<!-- bench:run:end -->"]
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmark results\n"
  const block = `${begin}\n${section}${end}`
  const start = current.indexOf(begin)
  const stop = current.indexOf(end)
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : current.replace(/\n/, `\n\n${block}\n`)
  fs.writeFileSync(file, next)
}

function writeChart(results: Record<AppName, AppResult>) {
  const colors: Record<AppName, string> = { stock: "#888", plugin: "#1f6feb" }
  const curves = (pick: (result: AppResult) => number[]) =>
    (["stock", "plugin"] as const).map((name): Curve => ({ label: name, color: colors[name], latencies: pick(results[name]) }))
  const perRate = (["stock", "plugin"] as const).flatMap((name) =>
    results[name].open.map(
      (run, index): Curve => ({
        label: `${name} ${run.offered}/s`,
        color: colors[name],
        dashed: index !== 1,
        latencies: run.latencies,
      })
    )
  )
  const svg = latencyChart(
    [
      { title: "Acknowledgement, open loop (ms)", curves: perRate.filter((curve) => curve.label.endsWith(" 300/s") || curve.label.endsWith(` ${PLAN.rates[PLAN.rates.length - 1]}/s`)) },
      { title: `Acknowledgement, closed loop, ${CLOSED_LOOP_CONNECTIONS} connections (ms)`, curves: curves((result) => result.closed.latencies) },
      { title: "Webhook to order (ms)", curves: curves((result) => result.toOrder.latencies) },
    ],
    `Share of requests answered within x ms (log scale). ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}${QUICK ? ", quick run" : ""}.`
  )
  fs.writeFileSync(path.join(ROOT, "bench", "latency.svg"), svg)
}

async function main() {
  const started = Date.now()
  const { freePort, startEmbeddedPostgres } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-bench-pg-"))
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  Object.assign(process.env, { DB_HOST: "localhost", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
  const sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
  try {
    if (PROFILE) {
      fs.mkdirSync(path.join(PROFILE_DIR, "stock"), { recursive: true })
      fs.mkdirSync(path.join(PROFILE_DIR, "plugin"), { recursive: true })
    }
    const envFor = (databaseUrl: string) =>
      childEnv({
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: "error",
        ...simulatorEnv(sim.port, SECRET),
      })
    const apps = []
    for (const name of APPS) {
      writeApp(APP_DIRS[name], name === "plugin")
      apps.push({ name, cwd: APP_DIRS[name], databaseUrl: await freshDatabase(`bench_${name}`) })
    }
    const prepared = await Promise.all(
      apps.map(async (app) => {
        const env = envFor(app.databaseUrl)
        log(`${app.name}: migrating and seeding`)
        await runMedusa(["db:migrate"], app.cwd, env)
        const seedFile = path.join(dataDir, `${app.name}-seed.json`)
        await runMedusa(["exec", path.join(ROOT, "scripts", "seed-app.ts")], app.cwd, { ...env, SEED_OUTPUT: seedFile })
        return { ...app, env, seed: JSON.parse(fs.readFileSync(seedFile, "utf8")) as SeedResult }
      })
    )
    const results = {} as Record<AppName, AppResult>
    for (const app of prepared) {
      results[app.name] = await measureApp(app.name, app.cwd, app.env, app.databaseUrl, app.seed, sim)
    }
    if (FOCUSED) {
      process.stdout.write(`${JSON.stringify(focusedSummary(results), null, 2)}\n`)
      return
    }
    const section = report(results, (Date.now() - started) / 60_000)
    writeResults(section)
    writeChart(results)
    process.stdout.write(section)
    log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min: bench/RESULTS.md, bench/latency.svg`)
  } finally {
    await sim.stop()
    await pg.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
    for (const dir of Object.values(APP_DIRS)) {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`)
    process.exitCode = 1
  })
}
