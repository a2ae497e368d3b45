import axios from "axios"
import fs from "node:fs"
import path from "node:path"
import { Pool } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { inParallel } from "../../src/processing/drain"
import { startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freePort, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { startOwnPostgres, type OwnPostgres } from "../helpers/own-postgres"
import { startRedis, type RedisServer } from "../helpers/redis"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"

/**
 * Faults at scale on the 2 + 2 topology (two `MEDUSA_WORKER_MODE=server` processes, two `worker`
 * processes, one Postgres, one Redis) with the plugin's DEFAULT options. Each case pays PAYMENTS carts
 * while the simulator spreads deliveries round robin over the servers, breaks one part in the middle of
 * the run, and counts at the end: every payment gives exactly one order and one capture, and every
 * event has an inbox row that ended `processed` - none lost, none left behind. The cluster is booted
 * once and shared; a killed process is started again before the next case. The Postgres is this
 * file's own embedded one (the suite's shared one is never restarted). One summary line per case.
 *
 * The Stripe provider captures automatically (`STRIPE_CAPTURE=true`, a provider option), so one
 * `payment_intent.succeeded` per payment makes both the order and the capture.
 */
jest.setTimeout(40 * 60 * 1000)

const PAYMENTS = Number(process.env.CLUSTER_FAULT_PAYMENTS || 200)
const DATABASE = "mpw_cluster_faults"
const SECRET = "whsec_cluster_faults"
const SEED_OUTPUT = path.join(ROOT, "tmp", "cluster-faults-seed.json")
const CART_CONCURRENCY = 8
/** Payments are confirmed one after another with this gap, so deliveries keep arriving during processing. */
const CONFIRM_GAP_MS = 250
/** Stripe retries for three days; the simulator's retries here span about four minutes. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000, 60000, 120000]
const REDIS_OUTAGE_MS = 10_000
const SETTLE_TIMEOUT_MS = 10 * 60 * 1000

type Purchase = { cartId: string; sessionId: string; paymentIntentId: string }
type JobRun = { job: string; scheduled_for: string | null; finished_at: string }
/** The jobs case watches at least this long: one reconciler period (60 s) and then some. */
const MIN_JOB_WATCH_MS = 70_000

/**
 * The job run a worker's log line reports, or null for any other line. Medusa logs one JSON object per
 * line outside development (`{"level":"debug","message":"payment-webhook-job {...}",...}`) and plain
 * text in development; both are read.
 */
function jobRunOf(rawLine: string): JobRun | null {
  // eslint-disable-next-line no-control-regex
  const line = rawLine.replace(/\u001b\[[0-9;]*m/g, "").trim()
  let message = line
  if (line.startsWith("{")) {
    try {
      message = String((JSON.parse(line) as { message?: unknown }).message ?? "")
    } catch {
      return null
    }
  }
  const marker = "payment-webhook-job {"
  const at = message.indexOf(marker)
  if (at < 0) {
    return null
  }
  const run = JSON.parse(message.slice(at + marker.length - 1)) as Partial<JobRun>
  return typeof run.job === "string" && typeof run.finished_at === "string" ? (run as JobRun) : null
}

const seconds = (ms: number) => Math.round(ms / 100) / 10

describe(`faults at scale: 2 servers + 2 workers, default options, ${PAYMENTS} payments per fault`, () => {
  let postgres: OwnPostgres
  let postgresDir: string
  let redis: RedisServer
  let redisPort: number
  let sim: StripeSimulator
  let stripe: Stripe
  let db: Pool
  let env: NodeJS.ProcessEnv
  let seed: SeedResult
  const servers: ChildApp[] = []
  const workers: ChildApp[] = []
  /** Every worker process this file started, killed ones included: their job-run lines are counted. */
  const everyWorker: ChildApp[] = []
  let jobsWatchedFrom = 0

  const startServer = (port?: number) => startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "server" }, port)
  const startWorker = async () => {
    const worker = await startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "worker", LOG_LEVEL: "debug" })
    everyWorker.push(worker)
    return worker
  }
  const webhookUrl = (app: ChildApp) => `${app.baseUrl}/hooks/payment/stripe_stripe`

  beforeAll(async () => {
    postgresDir = path.join(ROOT, "tmp", `cluster-faults-postgres-${process.pid}`)
    fs.rmSync(postgresDir, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(postgresDir), { recursive: true })
    postgres = await startOwnPostgres({ dataDir: postgresDir, port: await freePort(), database: DATABASE })
    redis = await startRedis()
    redisPort = Number(new URL(redis.url).port)
    sim = await startStripeSimulator({
      port: 0,
      apiKey: "sk_test_local",
      delivery: { spread: "round-robin", retryDelaysMs: RETRY_DELAYS_MS },
    })
    stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 2 })
    env = childEnv({
      DATABASE_URL: postgres.urlFor(DATABASE),
      REDIS_URL: redis.url,
      LOG_LEVEL: "warn",
      ...simulatorEnv(sim.port, SECRET),
      STRIPE_CAPTURE: "true",
      // Hourly by default; every 20 s here so that its once-per-schedule can be counted.
      PAYMENT_WEBHOOKS_RETENTION_SCHEDULE: "*/20 * * * * *",
      SEED_OUTPUT,
    })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
    seed = JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8"))
    const started = await Promise.all([startServer(), startServer(), startWorker(), startWorker()])
    servers.push(...started.slice(0, 2))
    workers.push(...started.slice(2))
    sim.setEndpoints(servers.map((server) => ({ url: webhookUrl(server), secret: SECRET })))
    db = new Pool({ connectionString: postgres.urlFor(DATABASE), max: 2 })
    // Idle clients lose their connection while Postgres restarts; the pool drops them and reconnects.
    db.on("error", () => {})
    jobsWatchedFrom = Date.now()
  })

  afterAll(async () => {
    await db?.end()
    await Promise.all([...servers, ...workers].map((app) => app.stop()))
    await sim?.stop()
    await redis?.stop()
    await postgres?.stop()
    if (postgresDir) {
      fs.rmSync(postgresDir, { recursive: true, force: true })
    }
  })

  /** Carts ready for payment, made through the servers in turn (as a storefront behind the balancer). */
  async function prepareCarts(tag: string): Promise<Purchase[]> {
    const purchases: Purchase[] = []
    const indexes = Array.from({ length: PAYMENTS }, (_, index) => index)
    await inParallel(indexes, CART_CONCURRENCY, async (index) => {
      const api = axios.create({ baseURL: servers[index % servers.length].baseUrl })
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
        currency: (["eur", "usd", "jpy"] as const)[index % 3],
        providerId: "pp_stripe_stripe",
        email: `${tag}-${index}@example.com`,
      })
      purchases.push({ cartId: cart.id, sessionId: paymentSession.id, paymentIntentId: (paymentSession.data as { id: string }).id })
    })
    return purchases
  }

  /**
   * Confirms every payment, one after another, and starts `fault` once half of them are confirmed;
   * resolves with what the fault reported, after the last confirmation.
   */
  async function payWithFault<T>(purchases: Purchase[], fault: () => Promise<T>): Promise<{ faultAt: number; report: T }> {
    let faultAt = 0
    let faulted: Promise<T> | undefined
    for (const [index, purchase] of purchases.entries()) {
      if (index === Math.floor(purchases.length / 2)) {
        faultAt = Date.now()
        faulted = fault()
      }
      await stripe.paymentIntents.confirm(purchase.paymentIntentId, { payment_method: "pm_card_visa" })
      await new Promise((resolve) => setTimeout(resolve, CONFIRM_GAP_MS))
    }
    return { faultAt, report: await faulted! }
  }

  const count = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0].n as number

  /**
   * Waits until every cart has its order and capture and every inbox row of them is finished, then
   * counts; asserts exactly one order and one capture per payment and every event processed once.
   */
  async function settleAndCount(purchases: Purchase[]) {
    const cartIds = purchases.map((purchase) => purchase.cartId)
    const sessionIds = purchases.map((purchase) => purchase.sessionId)
    const intentIds = new Set(purchases.map((purchase) => purchase.paymentIntentId))
    const succeededEvents = sim.events
      .filter((event) => event.type === "payment_intent.succeeded" && intentIds.has((event.data.object as { id: string }).id))
      .map((event) => event.id)
    await waitFor(
      async () =>
        (await count(`SELECT count(DISTINCT cart_id)::int AS n FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL`, [cartIds])) ===
        PAYMENTS,
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 1000, what: `an order for each of the ${PAYMENTS} carts` }
    )
    await waitFor(
      async () =>
        (await count(
          `SELECT count(DISTINCT p.payment_session_id)::int AS n FROM payment p JOIN capture c ON c.payment_id = p.id AND c.deleted_at IS NULL
            WHERE p.payment_session_id = ANY($1)`,
          [sessionIds]
        )) === PAYMENTS,
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 1000, what: `a capture for each of the ${PAYMENTS} payments` }
    )
    await waitFor(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM payment_webhook_event WHERE cart_id = ANY($1) AND status IN ('received', 'processing', 'failed')`,
          [cartIds]
        )) === 0,
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 1000, what: "every inbox row of the case to finish" }
    )
    const drainedAt = Date.now()
    const orders = await count(
      `SELECT count(*)::int AS n FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL`,
      [cartIds]
    )
    const captures = await count(
      `SELECT count(c.id)::int AS n FROM payment p JOIN capture c ON c.payment_id = p.id AND c.deleted_at IS NULL
        WHERE p.payment_session_id = ANY($1)`,
      [sessionIds]
    )
    const inbox = (
      await db.query(
        `SELECT status, count(*)::int AS rows, sum(deliveries)::int AS deliveries, max(attempts)::int AS max_attempts
           FROM payment_webhook_event WHERE cart_id = ANY($1) GROUP BY status ORDER BY status`,
        [cartIds]
      )
    ).rows as { status: string; rows: number; deliveries: number; max_attempts: number }[]
    const storedEvents = await count(
      `SELECT count(DISTINCT event_key)::int AS n FROM payment_webhook_event WHERE event_key = ANY($1) AND status = 'processed'`,
      [succeededEvents]
    )
    expect(orders).toBe(PAYMENTS)
    expect(captures).toBe(PAYMENTS)
    expect(succeededEvents).toHaveLength(PAYMENTS)
    expect(storedEvents).toBe(PAYMENTS)
    expect(inbox.filter((row) => row.status === "dead")).toEqual([])
    return { drainedAt, counts: { payments: PAYMENTS, orders, captures, events_processed: storedEvents, inbox } }
  }

  it("a worker killed with SIGKILL mid-run: the other worker and the recovery job drain the backlog", async () => {
    const purchases = await prepareCarts("worker-kill")
    const startedAt = Date.now()
    const { faultAt } = await payWithFault(purchases, () => workers[1].crash())
    const { drainedAt, counts } = await settleAndCount(purchases)
    console.info(
      `cluster-faults ${JSON.stringify({ case: "worker_sigkill", ...counts, seconds_kill_to_drained: seconds(drainedAt - faultAt), seconds_total: seconds(drainedAt - startedAt) })}`
    )
    workers[1] = await startWorker()
  })

  it("a server killed with SIGKILL mid-run: what it acknowledged is processed, what it did not is retried on the other server", async () => {
    const purchases = await prepareCarts("server-kill")
    const killed = servers[1]
    const killedUrl = webhookUrl(killed)
    const port = Number(new URL(killed.baseUrl).port)
    const firstDelivery = sim.deliveries.length
    const startedAt = Date.now()
    const { faultAt } = await payWithFault(purchases, () => killed.crash())
    const { drainedAt, counts } = await settleAndCount(purchases)
    await sim.idle()

    const deliveries = sim.deliveries.slice(firstDelivery)
    const failedOnKilled = new Set(
      deliveries.filter((d) => d.url === killedUrl && (d.status === "error" || d.status >= 300)).map((d) => d.eventId)
    )
    const acknowledgedByKilled = new Set(deliveries.filter((d) => d.url === killedUrl && d.status === 200).map((d) => d.eventId))
    const retriedElsewhere = [...failedOnKilled].filter((eventId) =>
      deliveries.some((d) => d.eventId === eventId && d.url !== killedUrl && d.status === 200)
    )
    const acknowledgedRows = await count(
      `SELECT count(*)::int AS n FROM payment_webhook_event WHERE event_key = ANY($1) AND status IN ('processed', 'ignored')`,
      [[...acknowledgedByKilled]]
    )
    console.info(
      `cluster-faults ${JSON.stringify({
        case: "server_sigkill",
        ...counts,
        acknowledged_by_killed_server: acknowledgedByKilled.size,
        failed_on_killed_server: failedOnKilled.size,
        retried_on_other_server: retriedElsewhere.length,
        seconds_kill_to_drained: seconds(drainedAt - faultAt),
        seconds_total: seconds(drainedAt - startedAt),
      })}`
    )
    expect(failedOnKilled.size).toBeGreaterThan(0)
    expect(retriedElsewhere).toHaveLength(failedOnKilled.size)
    expect(acknowledgedRows).toBe(acknowledgedByKilled.size)
    servers[1] = await startServer(port)
  })

  it("Redis stopped for 10 s mid-run: acknowledgements keep answering 200, processing resumes, lost events are recovered", async () => {
    const purchases = await prepareCarts("redis-outage")
    const firstDelivery = sim.deliveries.length
    const startedAt = Date.now()
    const outage = { from: 0, to: 0 }
    const { faultAt } = await payWithFault(purchases, async () => {
      outage.from = Date.now()
      await redis.stop()
      await new Promise((resolve) => setTimeout(resolve, REDIS_OUTAGE_MS))
      redis = await startRedis(redisPort)
      outage.to = Date.now()
    })
    const { drainedAt, counts } = await settleAndCount(purchases)

    const duringOutage = sim.deliveries
      .slice(firstDelivery)
      .filter((d) => d.sentAt >= outage.from && d.sentAt < outage.to)
    const answers = duringOutage.reduce<Record<string, number>>((tally, d) => ({ ...tally, [d.status]: (tally[d.status] ?? 0) + 1 }), {})
    console.info(
      `cluster-faults ${JSON.stringify({
        case: "redis_outage_10s",
        ...counts,
        answers_during_outage: answers,
        seconds_restart_to_drained: seconds(drainedAt - outage.to),
        seconds_fault_to_drained: seconds(drainedAt - faultAt),
        seconds_total: seconds(drainedAt - startedAt),
      })}`
    )
    expect(duringOutage.length).toBeGreaterThan(0)
    expect(duringOutage.every((d) => d.status === 200)).toBe(true)
  })

  it("Postgres restarted mid-run: the route answers 503 while it is down, processes reconnect, retries deliver the rest", async () => {
    const purchases = await prepareCarts("postgres-restart")
    const firstDelivery = sim.deliveries.length
    const pids = [...servers, ...workers].map((app) => app.process.pid)
    const startedAt = Date.now()
    const outage = { from: 0, to: 0 }
    const { faultAt } = await payWithFault(purchases, async () => {
      outage.from = Date.now()
      await postgres.stop()
      await waitFor(
        async () => sim.deliveries.slice(firstDelivery).some((d) => d.sentAt >= outage.from && d.status !== 200),
        { timeoutMs: 60_000, intervalMs: 200, what: "a delivery refused while Postgres is down" }
      )
      postgres = await startOwnPostgres({ dataDir: postgresDir, port: postgres.port, database: DATABASE })
      outage.to = Date.now()
    })
    const { drainedAt, counts } = await settleAndCount(purchases)

    const deliveries = sim.deliveries.slice(firstDelivery)
    const duringOutage = deliveries.filter((d) => d.sentAt >= outage.from && d.sentAt < outage.to)
    const answers = duringOutage.reduce<Record<string, number>>((tally, d) => ({ ...tally, [d.status]: (tally[d.status] ?? 0) + 1 }), {})
    const acknowledged = [...new Set(deliveries.filter((d) => d.status === 200).map((d) => d.eventId))]
    const acknowledgedWithRow = await count(`SELECT count(DISTINCT event_key)::int AS n FROM payment_webhook_event WHERE event_key = ANY($1)`, [
      acknowledged,
    ])
    console.info(
      `cluster-faults ${JSON.stringify({
        case: "postgres_restart",
        ...counts,
        seconds_down: seconds(outage.to - outage.from),
        answers_during_outage: answers,
        seconds_restart_to_drained: seconds(drainedAt - outage.to),
        seconds_fault_to_drained: seconds(drainedAt - faultAt),
        seconds_total: seconds(drainedAt - startedAt),
      })}`
    )
    expect(answers["503"]).toBeGreaterThan(0)
    expect(duringOutage.filter((d) => d.status !== 200 && d.status !== 503 && d.status !== "error")).toEqual([])
    expect(acknowledgedWithRow).toBe(acknowledged.length)
    expect([...servers, ...workers].map((app) => app.process.pid)).toEqual(pids)
    expect([...servers, ...workers].every((app) => app.process.exitCode === null)).toBe(true)
  })

  it("the scheduled jobs run once per schedule across the cluster, not once per worker", async () => {
    // Run alone (`-t`), the case first watches the jobs long enough for every schedule to come round.
    const untilWatched = MIN_JOB_WATCH_MS - (Date.now() - jobsWatchedFrom)
    if (untilWatched > 0) {
      await new Promise((resolve) => setTimeout(resolve, untilWatched))
    }
    const watchedMs = Date.now() - jobsWatchedFrom
    const runs = everyWorker
      .flatMap((worker) => worker.output().split("\n"))
      .map(jobRunOf)
      .filter((run): run is JobRun => run !== null && Date.parse(run.finished_at) >= jobsWatchedFrom)
    const periods: Record<string, number> = {
      "process-due-payment-webhooks": 5_000,
      "reconcile-payment-sessions": 60_000,
      "prune-payment-webhooks": 20_000,
    }
    const report = Object.entries(periods).map(([job, periodMs]) => {
      const slots = runs.filter((run) => run.job === job).map((run) => run.scheduled_for)
      return {
        job,
        schedules: Math.floor(watchedMs / periodMs),
        runs: slots.length,
        slots_run_twice: slots.length - new Set(slots).size,
      }
    })
    console.info(`cluster-faults ${JSON.stringify({ case: "jobs_once_per_schedule", workers: 2, minutes_watched: seconds(watchedMs / 60), jobs: report })}`)
    for (const { schedules, runs: jobRuns, slots_run_twice } of report) {
      // One run per worker would give each slot twice and about twice as many runs as schedules;
      // outages (Redis, Postgres) may cost a few runs, never add one.
      expect(jobRuns).toBeGreaterThan(0)
      expect(slots_run_twice).toBe(0)
      expect(jobRuns).toBeLessThanOrEqual(schedules + 1)
    }
  })
})
