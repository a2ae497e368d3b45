import axios, { type AxiosInstance } from "axios"
import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { startRedis, type RedisServer } from "../helpers/redis"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"

/**
 * Scale-out on Medusa's own distributed modules: two server processes and two worker processes
 * (MEDUSA_WORKER_MODE) on one Postgres, sharing Redis for events, locks, workflows and cache.
 * The simulator delivers every event to both servers, twice each, in shuffled order. Every payment
 * must give exactly one order, every captured payment exactly one capture, and no event is lost.
 */
jest.setTimeout(30 * 60 * 1000)

const PAYMENTS = Number(process.env.SCALE_OUT_PAYMENTS || 30)
const CONCURRENCY = 8
const DATABASE = "mpw_scale_out"
const SECRET = "whsec_scale_out"
const SEED_OUTPUT = path.join(ROOT, "tmp", "scale-out-seed.json")

async function inParallel<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++
        await work(items[index], index)
      }
    })
  )
}

describe(`scale-out: 2 servers + 2 workers on Redis, ${PAYMENTS} payments`, () => {
  let redis: RedisServer
  let sim: StripeSimulator
  let db: Client
  const apps: ChildApp[] = []
  let servers: AxiosInstance[] = []
  let seed: SeedResult

  beforeAll(async () => {
    redis = await startRedis()
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local", delivery: { retryDelaysMs: [500, 2000, 5000, 10000] } })
    const databaseUrl = await freshDatabase(DATABASE)
    const env = childEnv({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? "warn",
      ...simulatorEnv(sim.port, SECRET),
      PAYMENT_WEBHOOKS_RETRY_BASE_DELAY_MS: "500",
      PAYMENT_WEBHOOKS_RETRY_MAX_DELAY_MS: "5000",
      PAYMENT_WEBHOOKS_MAX_ATTEMPTS: "20",
      PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE: "*/5 * * * * *",
      SEED_OUTPUT,
    })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
    seed = JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8"))
    const started = await Promise.all([
      startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "server" }),
      startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "server" }),
      startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "worker" }),
      startMedusa(ROOT, { ...env, MEDUSA_WORKER_MODE: "worker" }),
    ])
    apps.push(...started)
    servers = started.slice(0, 2).map((app) => axios.create({ baseURL: app.baseUrl }))
    sim.setEndpoints(started.slice(0, 2).map((app) => ({ url: `${app.baseUrl}/hooks/payment/stripe_stripe`, secret: SECRET })))
    sim.setDelivery({ duplicate: true, shuffle: true, retryDelaysMs: [500, 2000, 5000, 10000] })
    db = new Client({ connectionString: databaseUrl })
    await db.connect()
  })

  afterAll(async () => {
    await db?.end()
    await Promise.all(apps.map((app) => app.stop()))
    await sim?.stop()
    await redis?.stop()
  })

  it("every payment becomes exactly one order, every capture happens once, no event is lost", async () => {
    const stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 2 })
    const purchases: { cartId: string; sessionId: string; paymentIntentId: string }[] = []
    const startedAt = Date.now()

    await inParallel(Array.from({ length: PAYMENTS }), CONCURRENCY, async (_, index) => {
      const api = servers[index % servers.length]
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
        currency: (["eur", "usd", "jpy"] as const)[index % 3],
        providerId: "pp_stripe_stripe",
        // One guest email per shopper: Medusa's guest-customer creation races on a shared email.
        email: `shopper-${index}@example.com`,
      })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      purchases.push({ cartId: cart.id, sessionId: paymentSession.id, paymentIntentId })
    })
    const cartIds = purchases.map((purchase) => purchase.cartId)

    const ordersOf = async () =>
      (
        await db.query(
          `SELECT cart_id, count(*)::int AS orders FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL GROUP BY cart_id`,
          [cartIds]
        )
      ).rows as { cart_id: string; orders: number }[]
    await waitFor(async () => (await ordersOf()).length === PAYMENTS, {
      timeoutMs: 20 * 60 * 1000,
      intervalMs: 2000,
      what: `${PAYMENTS} orders`,
    })
    const orderedAt = Date.now()

    const toCapture = purchases.filter((_, index) => index % 2 === 0)
    await inParallel(toCapture, CONCURRENCY, async (purchase) => {
      await stripe.paymentIntents.capture(purchase.paymentIntentId)
    })
    const capturedPayments = async () =>
      (
        await db.query(
          `SELECT p.payment_session_id, count(c.id)::int AS captures
             FROM payment p JOIN capture c ON c.payment_id = p.id AND c.deleted_at IS NULL
            WHERE p.payment_session_id = ANY($1) GROUP BY p.payment_session_id`,
          [toCapture.map((purchase) => purchase.sessionId)]
        )
      ).rows as { payment_session_id: string; captures: number }[]
    await waitFor(async () => (await capturedPayments()).length === toCapture.length, {
      timeoutMs: 20 * 60 * 1000,
      intervalMs: 2000,
      what: `${toCapture.length} captures`,
    })
    await sim.idle()
    await waitFor(
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM payment_webhook_event WHERE status IN ('received', 'processing', 'failed')`))
          .rows[0].n === 0,
      { timeoutMs: 5 * 60 * 1000, intervalMs: 2000, what: "every inbox row to settle" }
    )

    const orders = await ordersOf()
    const captures = await capturedPayments()
    const rows = (
      await db.query(
        `SELECT status, action, count(*)::int AS rows, sum(deliveries)::int AS deliveries, max(attempts)::int AS max_attempts
           FROM payment_webhook_event GROUP BY status, action ORDER BY status, action`
      )
    ).rows
    const deliveries = sim.deliveries.length
    console.info(
      JSON.stringify({
        payments: PAYMENTS,
        events: sim.events.length,
        deliveries,
        inbox: rows,
        orders: orders.length,
        captures: captures.reduce((sum, row) => sum + row.captures, 0),
        seconds_to_all_orders: Math.round((orderedAt - startedAt) / 1000),
        seconds_total: Math.round((Date.now() - startedAt) / 1000),
      })
    )

    expect(orders).toHaveLength(PAYMENTS)
    expect(orders.every((row) => row.orders === 1)).toBe(true)
    expect(captures.every((row) => row.captures === 1)).toBe(true)
    expect(toCapture.every((purchase) => sim.effectiveCaptures(purchase.paymentIntentId) === 1)).toBe(true)
    expect(rows.filter((row) => row.status === "dead")).toEqual([])
    const authorizedRows = rows.find((row) => row.status === "processed" && row.action === "authorized")
    const capturedRows = rows.find((row) => row.status === "processed" && row.action === "captured")
    expect(authorizedRows?.rows).toBe(PAYMENTS)
    expect(capturedRows?.rows).toBe(toCapture.length)
    expect(authorizedRows!.deliveries).toBeGreaterThanOrEqual(PAYMENTS * 2)
  })
})
