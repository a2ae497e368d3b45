import axios, { type AxiosInstance } from "axios"
import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { buildStripeEvent, startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { startRedis, type RedisServer } from "../helpers/redis"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"

/**
 * Crash recovery for real, with the plugin's DEFAULT options: the app runs as a child process,
 * payments are acknowledged, the process is killed with SIGKILL while they are in flight, and after a
 * restart every cart gets its one order. The second case loses the events' trigger with Redis and
 * shows that rows left `received` are taken at boot, not when a (here long) lease runs out.
 */
jest.setTimeout(10 * 60 * 1000)

const SECRET = "whsec_crash_recovery"
const IN_FLIGHT = 20

/** A Stripe client as the storefront (Stripe.js) uses it. */
function storefrontStripe(sim: StripeSimulator): Stripe {
  return new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 })
}

/** Creates `count` carts paid by card (manual capture: the intents wait in `requires_capture`). */
async function paidCarts(api: AxiosInstance, seed: SeedResult, sim: StripeSimulator, count: number) {
  const stripe = storefrontStripe(sim)
  const carts: { cartId: string; paymentIntentId: string }[] = []
  for (let index = 0; index < count; index++) {
    const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
      currency: "eur",
      providerId: "pp_stripe_stripe",
      email: `crash-${Date.now()}-${index}@example.com`,
    })
    const paymentIntentId = (paymentSession.data as { id: string }).id
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
    carts.push({ cartId: cart.id, paymentIntentId })
  }
  return carts
}

/** Posts the signed `payment_intent.amount_capturable_updated` of each intent, all at once; every answer must be 200 `received`. */
async function deliverAuthorizations(api: AxiosInstance, sim: StripeSimulator, paymentIntentIds: string[]): Promise<string[]> {
  const signer = storefrontStripe(sim)
  const answers = await Promise.all(
    paymentIntentIds.map((id) => {
      const body = JSON.stringify(buildStripeEvent("payment_intent.amount_capturable_updated", sim.paymentIntent(id)!))
      return api.post(`/hooks/payment/stripe_stripe`, body, {
        headers: {
          "content-type": "application/json",
          "stripe-signature": signer.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
        },
        transformRequest: [(data: unknown) => data],
      })
    })
  )
  expect(answers.map((answer) => [answer.status, answer.data.status])).toEqual(paymentIntentIds.map(() => [200, "received"]))
  return answers.map((answer) => answer.data.id as string)
}

describe("crash recovery with the default options", () => {
  let sim: StripeSimulator
  let app: ChildApp | undefined
  let db: Client

  beforeAll(async () => {
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
  })

  afterEach(async () => {
    await app?.stop()
    app = undefined
    await db?.end()
  })

  afterAll(async () => {
    await sim?.stop()
  })

  /** A fresh database, migrated and seeded, and a client on it. */
  async function prepare(database: string, env: Record<string, string>): Promise<{ env: NodeJS.ProcessEnv; seed: SeedResult }> {
    const seedOutput = path.join(ROOT, "tmp", `${database}-seed.json`)
    const databaseUrl = await freshDatabase(database)
    const childEnvironment = childEnv({ DATABASE_URL: databaseUrl, ...simulatorEnv(sim.port, SECRET), SEED_OUTPUT: seedOutput, ...env })
    await runMedusa(["db:migrate"], ROOT, childEnvironment)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, childEnvironment)
    db = new Client({ connectionString: databaseUrl })
    await db.connect()
    return { env: childEnvironment, seed: JSON.parse(fs.readFileSync(seedOutput, "utf8")) }
  }

  async function rows(ids: string[]) {
    const { rows } = await db.query(
      "SELECT id, status, attempts, outcome, order_id FROM payment_webhook_event WHERE id = ANY($1) ORDER BY id",
      [ids]
    )
    return rows
  }

  async function ordersPerCart(cartIds: string[]): Promise<number[]> {
    const { rows } = await db.query(
      "SELECT cart_id, count(*)::int AS orders FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL GROUP BY cart_id",
      [cartIds]
    )
    const byCart = new Map(rows.map((row) => [row.cart_id, row.orders]))
    return cartIds.map((id) => byCart.get(id) ?? 0)
  }

  it(`kill -9 with ${IN_FLIGHT} acknowledged payments in processing: after a restart every cart has exactly one order within seconds`, async () => {
    const prepared = await prepare("mpw_crash_recovery", {})
    app = await startMedusa(ROOT, prepared.env)
    const api = axios.create({ baseURL: app.baseUrl })
    const carts = await paidCarts(api, prepared.seed, sim, IN_FLIGHT)

    // Processing authorizes through Stripe; those calls hang, so every payment is mid-processing at the crash.
    for (const { paymentIntentId } of carts) {
      sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, 1, "timeout")
    }
    const ids = await deliverAuthorizations(api, sim, carts.map((cart) => cart.paymentIntentId))
    await waitFor(async () => sim.pendingFailures() === 0, { what: "every authorization to hang inside its Stripe call" })
    expect((await rows(ids)).map((row) => row.status)).toEqual(ids.map(() => "processing"))

    await app.crash()
    const crashedAt = Date.now()
    app = await startMedusa(ROOT, prepared.env)
    const answeringAt = Date.now()

    const cartIds = carts.map((cart) => cart.cartId)
    await waitFor(async () => (await ordersPerCart(cartIds)).every((orders) => orders > 0), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `an order for each of the ${IN_FLIGHT} carts within 30 s of the app answering again`,
    }).catch(async (error) => {
      throw new Error(`${error.message}\nrows: ${JSON.stringify(await rows(ids))}\n${app!.output().slice(-3000)}`)
    })
    const ordersAt = Date.now()
    console.info(
      `crash recovery (defaults, ${IN_FLIGHT} in flight): restart took ${((answeringAt - crashedAt) / 1000).toFixed(1)} s, ` +
        `every order ${((ordersAt - answeringAt) / 1000).toFixed(1)} s after the app answered again`
    )

    expect(await ordersPerCart(cartIds)).toEqual(cartIds.map(() => 1))
    const finished = await waitFor(async () => {
      const current = await rows(ids)
      return current.every((row) => row.status === "processed") ? current : null
    }, { what: "every row to be processed" })
    expect(finished.map((row) => row.attempts)).toEqual(ids.map(() => 2))
    expect(finished.every((row) => row.order_id?.startsWith("order_"))).toBe(true)
    const { rows: attempts } = await db.query(
      "SELECT attempt, result FROM payment_webhook_attempt WHERE event_id = ANY($1) ORDER BY event_id, attempt",
      [ids]
    )
    expect(attempts).toEqual(ids.flatMap(() => [{ attempt: 1, result: "abandoned" }, { attempt: 2, result: "processed" }]))
    expect(carts.every(({ paymentIntentId }) => sim.paymentIntent(paymentIntentId)!.status === "requires_capture")).toBe(true)
  })

  describe("a trigger lost with Redis", () => {
    let redis: RedisServer

    beforeAll(async () => {
      redis = await startRedis()
    })

    afterAll(async () => {
      await redis?.stop()
    })

    it("rows a dead server left `received` are taken at the next boot, not when the (here 2 min) lease runs out", async () => {
      // The point of this case is the lease option: with a long lease, only the boot recovery can be fast.
      const prepared = await prepare("mpw_crash_lost_trigger", {
        REDIS_URL: redis.url,
        PAYMENT_WEBHOOKS_PROCESSING_LEASE_MS: "120000",
      })
      const server = await startMedusa(ROOT, { ...prepared.env, MEDUSA_WORKER_MODE: "server" })
      app = server
      const api = axios.create({ baseURL: server.baseUrl })
      const carts = await paidCarts(api, prepared.seed, sim, 3)
      const ids = await deliverAuthorizations(api, sim, carts.map((cart) => cart.paymentIntentId))
      expect((await rows(ids)).map((row) => row.status)).toEqual(ids.map(() => "received"))

      // The server dies and its queued events are lost with Redis: nothing will ever deliver them.
      await server.crash()
      await redis.flushAll()
      const restartedAt = Date.now()
      app = await startMedusa(ROOT, { ...prepared.env, MEDUSA_WORKER_MODE: "shared" })

      const processed = await waitFor(async () => {
        const current = await rows(ids)
        return current.every((row) => row.status === "processed") ? current : null
      }, { timeoutMs: 60_000, intervalMs: 250, what: "the stranded rows to be processed after the boot" })
      console.info(`lost trigger: ${ids.length} stranded rows processed ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart began`)
      expect(processed.map((row) => row.attempts)).toEqual(ids.map(() => 1))
      expect(await ordersPerCart(carts.map((cart) => cart.cartId))).toEqual(carts.map(() => 1))
    })
  })
})
