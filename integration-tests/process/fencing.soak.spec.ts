import axios from "axios"
import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { buildStripeEvent, startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"

/**
 * Fencing, for real: two app processes on one database. Worker A takes a row and is frozen
 * (SIGSTOP) inside a hung Stripe call, past its lease; worker B takes the row over and finishes it;
 * then A wakes up. A's late work and writes must change nothing: exactly one order and one capture,
 * the row stays `processed` by B. The plugin runs with its default options; only the Stripe
 * provider's request timeout is shortened, so A's hung call ends soon after it wakes.
 */
jest.setTimeout(10 * 60 * 1000)

const DATABASE = "mpw_fencing"
const SECRET = "whsec_fencing"
const SEED_OUTPUT = path.join(ROOT, "tmp", "fencing-seed.json")

describe("a worker frozen past its lease", () => {
  let sim: StripeSimulator
  let workerA: ChildApp | undefined
  let workerB: ChildApp | undefined
  let db: Client
  let env: NodeJS.ProcessEnv
  let seed: SeedResult

  beforeAll(async () => {
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
    const databaseUrl = await freshDatabase(DATABASE)
    env = childEnv({
      DATABASE_URL: databaseUrl,
      ...simulatorEnv(sim.port, SECRET),
      STRIPE_CAPTURE: "true",
      STRIPE_API_TIMEOUT_MS: "5000",
      SEED_OUTPUT,
    })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
    seed = JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8"))
    db = new Client({ connectionString: databaseUrl })
    await db.connect()
  })

  afterAll(async () => {
    await workerA?.stop()
    await workerB?.stop()
    await db?.end()
    await sim?.stop()
  })

  async function row(id: string) {
    const { rows } = await db.query("SELECT status, attempts, outcome, order_id FROM payment_webhook_event WHERE id = $1", [id])
    return rows[0]
  }

  it("B takes the row over and finishes it; A's late writes are refused: one order, one capture, the row stays processed", async () => {
    ;[workerA, workerB] = await Promise.all([startMedusa(ROOT, env), startMedusa(ROOT, env)])
    const api = axios.create({ baseURL: workerA.baseUrl })
    const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
    const paymentIntentId = (paymentSession.data as { id: string }).id
    const stripe = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 })
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
    expect(sim.paymentIntent(paymentIntentId)!.status).toBe("succeeded")

    // A's authorization asks Stripe for the intent; that call hangs, and A is frozen inside it.
    sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, 1, "timeout")
    const body = JSON.stringify(buildStripeEvent("payment_intent.succeeded", sim.paymentIntent(paymentIntentId)!))
    const answer = await api.post("/hooks/payment/stripe_stripe", body, {
      headers: {
        "content-type": "application/json",
        "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
      },
      transformRequest: [(data: unknown) => data],
    })
    expect(answer.data.status).toBe("received")
    const id = answer.data.id as string
    await waitFor(async () => sim.pendingFailures() === 0 && (await row(id)).status === "processing", {
      what: "worker A to hang inside the Stripe call",
    })
    workerA.pause()

    const takenOver = await waitFor(async () => {
      const current = await row(id)
      return current.status === "processed" ? current : null
    }, { timeoutMs: 60_000, intervalMs: 250, what: "worker B to take the row over and finish it" }).catch(async (error) => {
      throw new Error(`${error.message}\nrow: ${JSON.stringify(await row(id))}\nB: ${workerB!.output().slice(-3000)}`)
    })
    expect(takenOver.attempts).toBe(2)

    workerA.resume()
    await waitFor(async () => /stale_write_refused|lease_lost/.test(workerA!.output()), {
      timeoutMs: 60_000,
      what: "worker A to wake up and find out it lost the row",
    }).catch((error) => {
      throw new Error(`${error.message}\nA: ${workerA!.output().slice(-3000)}`)
    })
    // A's attempt is closed as having lost its lease once A made its final (refused) write.
    const attempts = await waitFor(async () => {
      const { rows } = await db.query(
        "SELECT attempt, worker, result FROM payment_webhook_attempt WHERE event_id = $1 ORDER BY attempt",
        [id]
      )
      return rows[0]?.result === "lease_lost" ? rows : null
    }, { timeoutMs: 60_000, what: "A's attempt to be recorded as lease_lost" })

    expect(attempts.map((attempt) => [attempt.attempt, attempt.result])).toEqual([
      [1, "lease_lost"],
      [2, "processed"],
    ])
    expect(attempts[0].worker).not.toBe(attempts[1].worker)
    expect(await row(id)).toEqual(takenOver)
    const { rows: orders } = await db.query("SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL", [cart.id])
    expect(orders).toHaveLength(1)
    const { rows: captures } = await db.query(
      `SELECT c.amount FROM capture c JOIN payment p ON p.id = c.payment_id
        WHERE p.payment_session_id = $1 AND c.deleted_at IS NULL`,
      [paymentSession.id]
    )
    expect(captures).toHaveLength(1)
    expect(sim.paymentIntent(paymentIntentId)!.status).toBe("succeeded")
    expect((await stripe.refunds.list({ payment_intent: paymentIntentId })).data).toHaveLength(0)
  })
})
