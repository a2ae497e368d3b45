import type { INotificationModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { randomUUID } from "node:crypto"
import processDuePaymentWebhooks from "../../src/jobs/process-due-payment-webhooks"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO, WebhookEventStatus } from "../../src/modules/payment-webhooks/types"
import { buildStripeEvent } from "../../src/testing/stripe-simulator"
import type { SeedResult } from "../../scripts/lib/seed-data"
import {
  adminHeaders,
  countCartOrders,
  createCartReadyForPayment,
  getCartOrder,
  seedForTests,
  setVariantStock,
} from "../helpers/store-flow"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { inboxRowIn, signedStripeDelivery, simulatorEvent, type WebhookApi } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/**
 * Two attempts before a row is dead (the point here is what an operator does with it), retries due
 * after ~0.1-0.3 s, Stripe calls abandoned after 1.5 s.
 */
const harness = useStripeSimulator({
  PAYMENT_WEBHOOKS_MAX_ATTEMPTS: "2",
  PAYMENT_WEBHOOKS_RETRY_BASE_DELAY_MS: "100",
  PAYMENT_WEBHOOKS_RETRY_MAX_DELAY_MS: "300",
  STRIPE_API_TIMEOUT_MS: "1500",
})
/** The Stripe SDK tries a failing call three times (maxNetworkRetries 2). */
const SDK_ATTEMPTS_PER_CALL = 3
const MAX_ATTEMPTS = 2

type Api = {
  get<T = any>(url: string, config?: Record<string, unknown>): Promise<{ status: number; data: T }>
  post<T = any>(url: string, body?: unknown, config?: Record<string, unknown>): Promise<{ status: number; data: T }>
}

/** A synthetic inbox row: only what the admin API shows; never due for processing (no next_attempt_at). */
type RowSpec = {
  status: WebhookEventStatus
  provider_id: string
  event_type?: string
  session_id?: string | null
  cart_id?: string | null
  order_id?: string | null
  created_at: Date
}

medusaIntegrationTestRunner({
  testSuite: ({ api: rawApi, getContainer }) => {
    const api = rawApi as unknown as Api
    let seed: SeedResult
    let headers: Record<string, string>
    let adminUserId: string
    const container = (): MedusaContainer => getContainer()
    const inbox = () => container().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const knex = () => container().resolve(ContainerRegistrationKeys.PG_CONNECTION)
    const get = (url: string, extra: Record<string, string> = headers) => api.get(url, { headers: extra, validateStatus: () => true })
    const post = (url: string, body: unknown = {}, extra: Record<string, string> = headers) =>
      api.post(url, body, { headers: extra, validateStatus: () => true })

    beforeAll(async () => {
      seed = await seedForTests(container())
      headers = await adminHeaders(rawApi as never, seed)
      adminUserId = (await get("/admin/users/me")).data.user.id
    })

    beforeEach(() => {
      harness.sim.clearFailures()
      harness.sim.setEndpoints([])
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    /** Stores synthetic rows in one INSERT; returns their ids in the order given. */
    async function insertRows(specs: RowSpec[]): Promise<string[]> {
      const tag = randomUUID().slice(0, 8)
      const records = specs.map((spec, index) => ({
        id: `pwhevt_t${tag}_${String(index).padStart(4, "0")}`,
        provider_id: spec.provider_id,
        event_key: `evt_${tag}_${index}`,
        event_type: spec.event_type ?? "payment_intent.succeeded",
        action: "captured",
        session_id: spec.session_id ?? null,
        cart_id: spec.cart_id ?? null,
        order_id: spec.order_id ?? null,
        amount: 42.5,
        raw_amount: JSON.stringify({ value: "42.5", precision: 20 }),
        currency_code: "eur",
        status: spec.status,
        source: "webhook",
        attempts: spec.status === "received" ? 0 : 1,
        deliveries: 1,
        next_attempt_at: spec.status === "processing" ? new Date(Date.now() + 3600_000) : null,
        payload: JSON.stringify({ action: "captured", event: { id: `evt_${tag}_${index}`, big: "x".repeat(100) } }),
        created_at: spec.created_at,
        updated_at: spec.created_at,
      }))
      await knex()("payment_webhook_event").insert(records)
      return records.map((record) => record.id)
    }

    const uniqueProvider = () => `pp_admintest_${randomUUID().slice(0, 8)}`
    const day = (n: number) => new Date(Date.UTC(2020, 0, n, 12))
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id)

    /** Runs the recovery job until the row is in one of `statuses` (the retries of a failing row). */
    async function retriedUntil(id: string, statuses: WebhookEventStatus[]): Promise<PaymentWebhookEventDTO> {
      return waitFor(
        async () => {
          await processDuePaymentWebhooks(container())
          const row = await inbox().retrieveEvent(id)
          return statuses.includes(row.status) ? row : null
        },
        { timeoutMs: 60_000, intervalMs: 150, what: `row ${id} to be ${statuses.join(" or ")}` }
      )
    }

    /** A card cart whose PaymentIntent is authorized in Stripe (captured too with `capture`). */
    async function paidCart(opts: { capture?: boolean } = {}) {
      const ready = await createCartReadyForPayment(api as never, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      if (opts.capture) {
        await harness.stripe.paymentIntents.capture(paymentIntentId)
      }
      return { ...ready, paymentIntentId }
    }

    /**
     * Makes the payment's webhook dead for real: every attempt's Stripe call fails (500) until the
     * last attempt; then Stripe answers again.
     */
    async function deadWebhook(purchase: { paymentIntentId: string }, type: string): Promise<PaymentWebhookEventDTO> {
      harness.sim.failNext(
        { method: "GET", path: `/v1/payment_intents/${purchase.paymentIntentId}` },
        MAX_ATTEMPTS * SDK_ATTEMPTS_PER_CALL,
        "error"
      )
      const answer = await signedStripeDelivery(rawApi as WebhookApi, simulatorEvent(harness.sim, type, purchase.paymentIntentId)).post()
      expect(answer.data.status).toBe("received")
      const dead = await retriedUntil(answer.data.id!, ["dead", "processed"])
      expect(dead).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS })
      return dead
    }

    /** The captures of the cart's order in Medusa, and at Stripe. */
    async function captures(cartId: string, paymentIntentId: string) {
      const order = await getCartOrder(container(), cartId)
      const payments = order?.payment_collections.flatMap((collection) => collection.payments ?? []) ?? []
      return {
        medusa: payments.reduce((sum, payment) => sum + (payment.captures?.length ?? 0), 0),
        stripe: harness.sim.effectiveCaptures(paymentIntentId),
      }
    }

    describe("GET /admin/payment-webhooks", () => {
      it("each filter narrows the list: status (one or several), provider_id, event_type, session_id, cart_id, order_id, q, created_at range", async () => {
        const provider = uniqueProvider()
        const other = uniqueProvider()
        const t = randomUUID().slice(0, 6)
        const rows = await insertRows([
          { status: "dead", provider_id: provider, session_id: `ps_${t}_1`, cart_id: `cart_${t}_1`, created_at: day(1) },
          { status: "failed", provider_id: provider, session_id: `ps_${t}_2`, cart_id: `cart_${t}_2`, created_at: day(2) },
          {
            status: "processed",
            provider_id: provider,
            event_type: "payment_intent.amount_capturable_updated",
            session_id: `ps_${t}_1`,
            cart_id: `cart_${t}_1`,
            order_id: `order_${t}_1`,
            created_at: day(3),
          },
          { status: "ignored", provider_id: provider, event_type: "payment_intent.created", created_at: day(4) },
          { status: "received", provider_id: provider, event_type: "charge.refunded", session_id: `ps_${t}_3`, cart_id: `cart_${t}_3`, created_at: day(5) },
          {
            status: "dead",
            provider_id: provider,
            event_type: "charge.refunded",
            session_id: `ps_${t}_3`,
            cart_id: `cart_${t}_3`,
            order_id: `order_${t}_3`,
            created_at: day(6),
          },
          { status: "dead", provider_id: other, created_at: day(7) },
        ])
        const list = async (query: string) => {
          const response = await get(`/admin/payment-webhooks?${query}`)
          expect(response.status).toBe(200)
          return ids(response.data.payment_webhooks)
        }

        // Newest first by default.
        expect(await list(`provider_id=${provider}`)).toEqual([rows[5], rows[4], rows[3], rows[2], rows[1], rows[0]])
        expect(await list(`provider_id=${provider}&status=dead`)).toEqual([rows[5], rows[0]])
        expect(await list(`provider_id=${provider}&status=dead,failed`)).toEqual([rows[5], rows[1], rows[0]])
        expect(await list(`provider_id=${provider}&status[]=dead&status[]=received`)).toEqual([rows[5], rows[4], rows[0]])
        expect(await list(`provider_id=${other}`)).toEqual([rows[6]])
        expect(await list(`provider_id=${provider},${other}&status=dead`)).toEqual([rows[6], rows[5], rows[0]])
        expect(await list(`provider_id=${provider}&event_type=charge.refunded`)).toEqual([rows[5], rows[4]])
        expect(await list(`session_id=ps_${t}_1`)).toEqual([rows[2], rows[0]])
        expect(await list(`cart_id=cart_${t}_3`)).toEqual([rows[5], rows[4]])
        expect(await list(`order_id=order_${t}_1`)).toEqual([rows[2]])
        // q: part of the provider's event id (event_key) or of the row id, case-insensitive.
        const eventKey = (await inbox().retrieveEvent(rows[3])).event_key
        expect(await list(`q=${eventKey.slice(4).toUpperCase()}`)).toEqual([rows[3]])
        expect(await list(`q=${rows[1].slice(-12)}`)).toEqual([rows[1]])
        expect(await list(`q=${encodeURIComponent("%")}&provider_id=${provider}`)).toEqual([])
        // created_at: Medusa's operator map ($gte...), and the same without the dollar.
        const range = `created_at[$gte]=${day(2).toISOString()}&created_at[$lt]=${day(4).toISOString()}`
        expect(await list(`provider_id=${provider}&${range}`)).toEqual([rows[2], rows[1]])
        expect(await list(`provider_id=${provider}&created_at[gt]=${day(5).toISOString()}`)).toEqual([rows[5]])
        expect(await list(`provider_id=${provider}&created_at[lte]=${day(1).toISOString()}`)).toEqual([rows[0]])
        // Filters combine.
        expect(await list(`provider_id=${provider}&status=dead&cart_id=cart_${t}_3`)).toEqual([rows[5]])
      })

      it("pages: limit, offset and count; newest first by default, `order` sorts either way; rows stored in the same instant are never repeated or skipped", async () => {
        const provider = uniqueProvider()
        const spaced = await insertRows(
          Array.from({ length: 25 }, (_, index) => ({ status: "processed" as const, provider_id: provider, created_at: new Date(day(1).getTime() + index * 1000) }))
        )
        const page = async (query: string) => {
          const response = await get(`/admin/payment-webhooks?provider_id=${provider}&${query}`)
          expect(response.status).toBe(200)
          return response.data
        }

        const first = await page("limit=10")
        expect(first).toMatchObject({ count: 25, offset: 0, limit: 10 })
        expect(ids(first.payment_webhooks)).toEqual([...spaced].reverse().slice(0, 10))
        const last = await page("limit=10&offset=20")
        expect(last).toMatchObject({ count: 25, offset: 20, limit: 10 })
        expect(ids(last.payment_webhooks)).toEqual([...spaced].reverse().slice(20))
        expect(ids((await page("limit=5&order=created_at")).payment_webhooks)).toEqual(spaced.slice(0, 5))
        expect(ids((await page("limit=5&offset=5&order=-created_at")).payment_webhooks)).toEqual([...spaced].reverse().slice(5, 10))
        expect((await page("")).limit).toBe(20)

        const sameInstant = uniqueProvider()
        const tied = await insertRows(Array.from({ length: 12 }, () => ({ status: "dead" as const, provider_id: sameInstant, created_at: day(9) })))
        const seen: string[] = []
        for (let offset = 0; offset < 12; offset += 5) {
          const response = await get(`/admin/payment-webhooks?provider_id=${sameInstant}&limit=5&offset=${offset}`)
          seen.push(...ids(response.data.payment_webhooks))
        }
        expect([...seen].sort()).toEqual([...tied].sort())
      })

      it("fields: no payload by default, `+payload` adds it, a list of fields returns those", async () => {
        const provider = uniqueProvider()
        const [id] = await insertRows([{ status: "dead", provider_id: provider, created_at: day(1) }])

        const byDefault = (await get(`/admin/payment-webhooks?provider_id=${provider}`)).data.payment_webhooks[0]
        expect(byDefault).toMatchObject({ id, status: "dead", provider_id: provider, attempts: 1, deliveries: 1, amount: 42.5, currency_code: "eur" })
        expect(byDefault).not.toHaveProperty("payload")
        const withPayload = (await get(`/admin/payment-webhooks?provider_id=${provider}&fields=%2Bpayload`)).data.payment_webhooks[0]
        expect(withPayload).toMatchObject({ id, status: "dead", payload: { action: "captured" } })
        const narrow = (await get(`/admin/payment-webhooks?provider_id=${provider}&fields=id,status`)).data.payment_webhooks[0]
        expect(Object.keys(narrow).sort()).toEqual(["id", "status"])
      })

      it("summary: the count of every status under the same filters, whatever `status` asks for", async () => {
        const provider = uniqueProvider()
        await insertRows(
          (["dead", "dead", "failed", "processed", "processed", "processed", "ignored", "received", "processing"] as const).map(
            (status, index) => ({ status, provider_id: provider, created_at: day(index + 1) })
          )
        )

        const response = await get(`/admin/payment-webhooks?provider_id=${provider}&status=dead`)

        expect(response.status).toBe(200)
        expect(response.data.count).toBe(2)
        expect(response.data.summary).toEqual({ received: 1, processing: 1, processed: 3, ignored: 1, failed: 1, dead: 2 })
        const narrowed = await get(`/admin/payment-webhooks?provider_id=${provider}&created_at[$gte]=${day(3).toISOString()}`)
        expect(narrowed.data.summary).toEqual({ received: 1, processing: 1, processed: 3, ignored: 1, failed: 1, dead: 0 })
      })

      it("400 naming the field: a bad status, a bad limit or offset, an unknown parameter, a bad date, an unknown operator, an unknown order field", async () => {
        const cases: [string, RegExp][] = [
          ["status=bogus", /Field 'status' takes received, processing, processed, ignored, failed, dead; got: 'bogus'/],
          ["status=dead,bogus", /Field 'status' takes .*; got: 'bogus'/],
          ["limit=abc", /field 'limit'/],
          ["limit=0", /field 'limit' too small/],
          ["limit=501", /field 'limit' too big, expected at most: '500'/],
          ["offset=-1", /field 'offset' too small/],
          ["colour=red", /Unrecognized fields: 'colour'/],
          ["created_at[$gte]=not-a-date", /field 'created_at, \$gte'/],
          ["created_at[$foo]=2020-01-01", /Unrecognized fields: '\$foo'/],
          ["order=colour", /Order field colour is not valid/],
        ]
        for (const [query, field] of cases) {
          const response = await get(`/admin/payment-webhooks?${query}`)
          expect({ query, status: response.status }).toEqual({ query, status: 400 })
          expect(response.data.message).toMatch(field)
        }
      })
    })

    describe("GET /admin/payment-webhooks/:id", () => {
      it("the row with its payload and its attempt history; 404 for an unknown id", async () => {
        const [id] = await insertRows([{ status: "dead", provider_id: uniqueProvider(), created_at: day(1) }])
        await knex()("payment_webhook_attempt").insert([
          { id: `pwhatt_${id}_1`, event_id: id, attempt: 1, worker: "host:1", started_at: day(1), ended_at: day(1), result: "dead", error: "boom" },
        ])

        const response = await get(`/admin/payment-webhooks/${id}`)

        expect(response.status).toBe(200)
        expect(response.data.payment_webhook).toMatchObject({
          id,
          status: "dead",
          attempts: 1,
          payload: { action: "captured" },
          attempt_history: [
            {
              id: `pwhatt_${id}_1`,
              attempt: 1,
              worker: "host:1",
              result: "dead",
              error: "boom",
              outcome: null,
              trigger: "automatic",
              requested_by: null,
              started_at: expect.any(String),
              ended_at: expect.any(String),
            },
          ],
        })
        const unknown = await get("/admin/payment-webhooks/pwhevt_does_not_exist")
        expect(unknown.status).toBe(404)
        expect(unknown.data.message).toContain("pwhevt_does_not_exist")
      })
    })

    describe("authentication", () => {
      it("401 without an admin session or token, and with a publishable key alone, on every endpoint", async () => {
        const [id] = await insertRows([{ status: "dead", provider_id: uniqueProvider(), created_at: day(1) }])
        const publishable = { "x-publishable-api-key": seed.publishable_api_key }
        const calls: [string, (extra: Record<string, string>) => Promise<{ status: number }>][] = [
          ["GET list", (extra) => get("/admin/payment-webhooks", extra)],
          ["GET one", (extra) => get(`/admin/payment-webhooks/${id}`, extra)],
          ["POST replay", (extra) => post(`/admin/payment-webhooks/${id}/replay`, {}, extra)],
          ["POST bulk replay", (extra) => post("/admin/payment-webhooks/replay", { status: ["dead"] }, extra)],
        ]
        for (const [name, call] of calls) {
          expect({ name, status: (await call({})).status }).toEqual({ name, status: 401 })
          expect({ name, status: (await call(publishable)).status }).toEqual({ name, status: 401 })
        }
        // Nothing was replayed.
        expect((await inbox().retrieveEvent(id)).status).toBe("dead")
      })
    })

    describe("POST /admin/payment-webhooks/:id/replay", () => {
      it("a dead row is processed again: the order exists and the attempt history shows the replay and who asked", async () => {
        const purchase = await paidCart()
        const dead = await deadWebhook(purchase, "payment_intent.amount_capturable_updated")
        expect(await countCartOrders(container(), purchase.cart.id)).toBe(0)

        const response = await post(`/admin/payment-webhooks/${dead.id}/replay`)

        expect(response.status).toBe(200)
        expect(response.data.result).toBe("processed")
        expect(response.data.payment_webhook).toMatchObject({ id: dead.id, status: "processed", attempts: MAX_ATTEMPTS + 1 })
        expect(await countCartOrders(container(), purchase.cart.id)).toBe(1)
        expect(response.data.payment_webhook.order_id).toBe((await getCartOrder(container(), purchase.cart.id))!.id)
        expect(
          response.data.payment_webhook.attempt_history.map(({ attempt, result, trigger, requested_by }: Record<string, unknown>) => ({
            attempt,
            result,
            trigger,
            requested_by,
          }))
        ).toEqual([
          { attempt: 1, result: "failed", trigger: "automatic", requested_by: null },
          { attempt: 2, result: "dead", trigger: "automatic", requested_by: null },
          { attempt: 3, result: "processed", trigger: "replay", requested_by: adminUserId },
        ])
      })

      it("two replays at once: one processes, the other answers already_running; one order, one capture", async () => {
        const purchase = await paidCart({ capture: true })
        const dead = await deadWebhook(purchase, "payment_intent.succeeded")
        // The replay's first Stripe call hangs until the SDK gives up on it (1.5 s) and retries:
        // the second click arrives while the first replay holds the row.
        harness.sim.failNext({ method: "GET", path: `/v1/payment_intents/${purchase.paymentIntentId}` }, 1, "timeout")

        const answers = await Promise.all([post(`/admin/payment-webhooks/${dead.id}/replay`), post(`/admin/payment-webhooks/${dead.id}/replay`)])

        expect(answers.map((answer) => answer.status)).toEqual([200, 200])
        expect(answers.map((answer) => answer.data.result).sort()).toEqual(["already_running", "processed"])
        const row = await inboxRowIn(container(), dead.id, ["processed"])
        expect(row.attempts).toBe(MAX_ATTEMPTS + 1)
        expect(await countCartOrders(container(), purchase.cart.id)).toBe(1)
        expect(await captures(purchase.cart.id, purchase.paymentIntentId)).toEqual({ medusa: 1, stripe: 1 })
      })

      it("a processed row: 400 naming its status without force; with force it is planned again and nothing is ordered or captured twice", async () => {
        const purchase = await paidCart({ capture: true })
        const answer = await signedStripeDelivery(
          rawApi as WebhookApi,
          simulatorEvent(harness.sim, "payment_intent.succeeded", purchase.paymentIntentId)
        ).post()
        const processed = await inboxRowIn(container(), answer.data.id!, ["processed", "failed", "dead"])
        expect(processed.status).toBe("processed")
        expect(await captures(purchase.cart.id, purchase.paymentIntentId)).toEqual({ medusa: 1, stripe: 1 })

        const refused = await post(`/admin/payment-webhooks/${processed.id}/replay`)
        expect(refused.status).toBe(400)
        expect(refused.data.message).toMatch(/is processed.*"force": true/)

        const forced = await post(`/admin/payment-webhooks/${processed.id}/replay`, { force: true })
        expect(forced.status).toBe(200)
        expect(forced.data.result).toBe("processed")
        expect(forced.data.payment_webhook).toMatchObject({ status: "processed", attempts: 2 })
        expect(forced.data.payment_webhook.attempt_history.at(-1)).toMatchObject({
          attempt: 2,
          result: "processed",
          trigger: "forced_replay",
          requested_by: adminUserId,
        })
        expect(await countCartOrders(container(), purchase.cart.id)).toBe(1)
        expect(await captures(purchase.cart.id, purchase.paymentIntentId)).toEqual({ medusa: 1, stripe: 1 })
      })

      it("404 for an unknown id; 400 for an unknown field or a force that is not a boolean", async () => {
        const unknown = await post("/admin/payment-webhooks/pwhevt_does_not_exist/replay")
        expect(unknown.status).toBe(404)
        expect(unknown.data.message).toContain("pwhevt_does_not_exist")

        const [id] = await insertRows([{ status: "dead", provider_id: uniqueProvider(), created_at: day(1) }])
        const extra = await post(`/admin/payment-webhooks/${id}/replay`, { force: true, colour: "red" })
        expect(extra.status).toBe(400)
        expect(extra.data.message).toContain("colour")
        const notBoolean = await post(`/admin/payment-webhooks/${id}/replay`, { force: "yes" })
        expect(notBoolean.status).toBe(400)
        expect(notBoolean.data.message).toContain("force")
        expect((await inbox().retrieveEvent(id)).status).toBe("dead")
      })
    })

    describe("POST /admin/payment-webhooks/replay", () => {
      it("400: no filter, a status that cannot be replayed, an unknown field, more than 500 matching rows (with the count)", async () => {
        const noFilter = await post("/admin/payment-webhooks/replay", {})
        expect(noFilter.status).toBe(400)
        expect(noFilter.data.message).toMatch(/at least one filter/i)
        const emptyFilter = await post("/admin/payment-webhooks/replay", { force: true })
        expect(emptyFilter.status).toBe(400)

        const finished = await post("/admin/payment-webhooks/replay", { status: ["processed"], provider_id: ["pp_none"] })
        expect(finished.status).toBe(400)
        expect(finished.data.message).toMatch(/processed.*"force": true/)
        const running = await post("/admin/payment-webhooks/replay", { status: ["processing"], force: true })
        expect(running.status).toBe(400)
        expect(running.data.message).toContain("processing")
        const badStatus = await post("/admin/payment-webhooks/replay", { status: ["bogus"] })
        expect(badStatus.status).toBe(400)
        expect(badStatus.data.message).toContain("Field 'status' takes")
        const unknownField = await post("/admin/payment-webhooks/replay", { provider_id: ["pp_none"], colour: "red" })
        expect(unknownField.status).toBe(400)
        expect(unknownField.data.message).toContain("colour")

        const provider = uniqueProvider()
        const rows = await insertRows(Array.from({ length: 501 }, () => ({ status: "dead" as const, provider_id: provider, created_at: day(2) })))
        const tooMany = await post("/admin/payment-webhooks/replay", { provider_id: [provider] })
        expect(tooMany.status).toBe(400)
        expect(tooMany.data.message).toContain("501 payment webhooks match")
        expect(tooMany.data.message).toContain("at most 500")
        // Nothing was queued.
        const { summary } = (await get(`/admin/payment-webhooks?provider_id=${provider}&limit=1`)).data
        expect(summary.dead).toBe(rows.length)
      })

      it("N dead rows are queued (202 with their ids), then each is processed and its cart becomes one order", async () => {
        const purchases = [await paidCart(), await paidCart(), await paidCart()]
        const dead = await Promise.all(purchases.map((purchase) => deadWebhook(purchase, "payment_intent.amount_capturable_updated")))

        const response = await post("/admin/payment-webhooks/replay", {
          session_id: purchases.map((purchase) => purchase.paymentSession.id),
        })

        expect(response.status).toBe(202)
        expect(response.data.queued).toBe(3)
        expect(response.data.excluded_compensated).toEqual([])
        expect([...response.data.ids].sort()).toEqual(ids(dead).sort())
        for (const row of dead) {
          const replayed = await inboxRowIn(container(), row.id, ["processed"], { timeoutMs: 60_000 })
          expect(replayed.attempts).toBe(MAX_ATTEMPTS + 1)
          const attempts = await inbox().listEventAttempts(row.id)
          expect(attempts.at(-1)).toMatchObject({ result: "processed", trigger: "replay", requested_by: adminUserId })
        }
        for (const purchase of purchases) {
          expect(await countCartOrders(container(), purchase.cart.id)).toBe(1)
        }
      })
    })

    describe("alerts in the admin's notification feed", () => {
      const notificationsOf = (id: string) =>
        container().resolve<INotificationModuleService>(Modules.NOTIFICATION).listNotifications({ resource_id: id })

      it("a row that becomes dead puts a feed notification linking to the row (shown by GET /admin/notifications as the admin does)", async () => {
        const fourDaysAgo = Math.floor(Date.now() / 1000) - 4 * 24 * 3600
        const sessionId = `payses_gone_${randomUUID().slice(0, 8)}`
        const event = buildStripeEvent(
          "payment_intent.amount_capturable_updated",
          {
            id: `pi_gone_${randomUUID().slice(0, 8)}`,
            object: "payment_intent",
            amount: 1000,
            amount_capturable: 1000,
            currency: "eur",
            status: "requires_capture",
            metadata: { session_id: sessionId },
            payment_method_types: ["card"],
          },
          { created: fourDaysAgo }
        )
        const answer = await signedStripeDelivery(rawApi as WebhookApi, event).post()
        const dead = await inboxRowIn(container(), answer.data.id!, ["dead"])

        const [notification] = await waitFor(async () => {
          const found = await notificationsOf(dead.id)
          return found.length ? found : null
        }, { what: `the feed notification of ${dead.id}` })

        expect(notification).toMatchObject({
          to: "",
          channel: "feed",
          template: "admin-ui",
          trigger_type: "payment_webhook.dead",
          resource_type: "payment_webhook",
          resource_id: dead.id,
          data: {
            title: expect.any(String),
            description: expect.stringContaining(`/app/payment-webhooks/${dead.id}`),
            url: `/app/payment-webhooks/${dead.id}`,
          },
        })
        expect(notification.data!.description).toContain("payment_intent.amount_capturable_updated")
        expect((await notificationsOf(dead.id)).length).toBe(1)
        const feed = await get("/admin/notifications?channel=feed&limit=100&fields=id,data,resource_id")
        expect(feed.status).toBe(200)
        expect(feed.data.notifications.map((shown: { resource_id: string }) => shown.resource_id)).toContain(dead.id)
      })

      it("money given back (payment_webhook.compensated) puts a feed notification linking to the row; the purchase is never replayed (no unpaid order)", async () => {
        const purchase = await paidCart()
        await setVariantStock(container(), seed, seed.variant_ids[0], 0)
        try {
          const answer = await signedStripeDelivery(
            rawApi as WebhookApi,
            simulatorEvent(harness.sim, "payment_intent.amount_capturable_updated", purchase.paymentIntentId)
          ).post()
          const row = await inboxRowIn(container(), answer.data.id!, ["dead", "processed"])
          expect(row.outcome).toMatch(/^compensated/)

          const [notification] = await waitFor(async () => {
            const found = await notificationsOf(row.id)
            return found.length ? found : null
          }, { what: `the feed notification of ${row.id}` })
          expect(notification).toMatchObject({
            channel: "feed",
            template: "admin-ui",
            trigger_type: "payment_webhook.compensated",
            data: { title: expect.stringMatching(/given back/i), url: `/app/payment-webhooks/${row.id}` },
          })
          expect(notification.data!.description).toContain(purchase.cart.id)

          // The stock is back, but the authorization was voided: a replay would make an order nobody paid for.
          await setVariantStock(container(), seed, seed.variant_ids[0], 1_000_000)
          for (const body of [{}, { force: true }]) {
            const refused = await post(`/admin/payment-webhooks/${row.id}/replay`, body)
            expect(refused.status).toBe(400)
            expect(refused.data.message).toContain("the money of its payment was given back")
          }
          const bulk = await post("/admin/payment-webhooks/replay", { session_id: [purchase.paymentSession.id], force: true })
          expect(bulk.status).toBe(202)
          expect(bulk.data).toEqual({ queued: 0, ids: [], excluded_compensated: [row.id] })
          expect(await countCartOrders(container(), purchase.cart.id)).toBe(0)
          expect((await inbox().retrieveEvent(row.id)).attempts).toBe(row.attempts)
        } finally {
          await setVariantStock(container(), seed, seed.variant_ids[0], 1_000_000)
        }
      })
    })
  },
})
