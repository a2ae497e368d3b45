import axios from "axios"
import fs from "node:fs"
import path from "node:path"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { buildStripeEvent, startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"
import { Client } from "pg"

/**
 * Crash recovery for real: the app runs as a child process; an event is delivered and acknowledged,
 * the process is killed with SIGKILL while it is processing that event, and after a restart the
 * recovery job takes the abandoned row over and the order appears.
 */
jest.setTimeout(10 * 60 * 1000)

const DATABASE = "mpw_crash_recovery"
const SECRET = "whsec_crash_recovery"
const SEED_OUTPUT = path.join(ROOT, "tmp", "crash-recovery-seed.json")

describe("crash between the 200 and the end of processing", () => {
  let sim: StripeSimulator
  let app: ChildApp | undefined
  let env: NodeJS.ProcessEnv
  let databaseUrl: string
  let seed: SeedResult

  beforeAll(async () => {
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
    databaseUrl = await freshDatabase(DATABASE)
    env = childEnv({
      DATABASE_URL: databaseUrl,
      ...simulatorEnv(sim.port, SECRET),
      PAYMENT_WEBHOOKS_PROCESSING_LEASE_MS: "3000",
      STRIPE_API_TIMEOUT_MS: "5000",
      PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE: "*/2 * * * * *",
      SEED_OUTPUT,
    })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
    seed = JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8"))
  })

  afterAll(async () => {
    await app?.stop()
    await sim?.stop()
  })

  async function inboxRow(eventKey: string) {
    const client = new Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query("SELECT * FROM payment_webhook_event WHERE event_key = $1", [eventKey])
      return rows[0] ?? null
    } finally {
      await client.end()
    }
  }

  it("kill -9 while processing, restart: the row is taken over after its lease and the order appears", async () => {
    app = await startMedusa(ROOT, env)
    const api = axios.create({ baseURL: app.baseUrl })
    const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
    const paymentIntentId = (paymentSession.data as { id: string }).id
    const stripe = new Stripe("sk_test_local", sim.stripeConfig())
    await stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })

    // Processing authorizes through Stripe; make that call hang so the crash lands mid-processing.
    sim.failNext({ method: "GET", path: new RegExp(`/v1/payment_intents/${paymentIntentId}`) }, 1, "timeout")
    const event = buildStripeEvent("payment_intent.amount_capturable_updated", sim.paymentIntent(paymentIntentId)!)
    const body = JSON.stringify(event)
    const response = await api.post(`/hooks/payment/stripe_stripe`, body, {
      headers: {
        "content-type": "application/json",
        "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }),
      },
      transformRequest: [(data: unknown) => data],
    })
    expect(response.status).toBe(200)
    expect(response.data.status).toBe("received")
    await waitFor(async () => (await inboxRow(event.id))?.status === "processing" && sim.pendingFailures() === 0, {
      what: "processing to hang inside the Stripe call",
    })
    await app.crash()

    const abandoned = await inboxRow(event.id)
    expect(abandoned.status).toBe("processing")

    app = await startMedusa(ROOT, env)
    const processed = await waitFor(
      async () => {
        const row = await inboxRow(event.id)
        return row?.status === "processed" ? row : null
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "the recovered row to be processed" }
    ).catch(async (error) => {
      throw new Error(`${error.message}\nrow: ${JSON.stringify(await inboxRow(event.id))}\n${app!.output().slice(-3000)}`)
    })
    expect(processed.attempts).toBe(2)
    expect(processed.outcome).toContain("cart completed")

    const client = new Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      const { rows } = await client.query("SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL", [cart.id])
      expect(rows).toHaveLength(1)
    } finally {
      await client.end()
    }
  })
})
