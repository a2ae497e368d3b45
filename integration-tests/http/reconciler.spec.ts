import http from "node:http"
import type { AddressInfo } from "node:net"
import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type Stripe from "stripe"
import reconcilePaymentSessionsJob, { config as jobConfig } from "../../src/jobs/reconcile-payment-sessions"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import { paymentProviderOf } from "../../src/processing/payment-provider"
import type { SeedResult } from "../../scripts/lib/seed-data"
import {
  countCartOrders,
  createCartReadyForPayment,
  getCartOrder,
  seedForTests,
  type CartOrder,
} from "../helpers/store-flow"
import { scheduleOutOfTheWay, TEST_WEBHOOK_SECRET, useStripeSimulator } from "../helpers/stripe-harness"

jest.setTimeout(240 * 1000)

/** The one option tuned for this file: the reconciler asks about sessions 3 s old (default 10 min). */
const RECONCILE_AFTER_MS = 3_000
// The tests run the job themselves and count its provider calls, so the scheduled run (every minute by
// default) is moved out of the way: it would race them on a slow machine.
const harness = useStripeSimulator({
  PAYMENT_WEBHOOKS_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
  PAYMENT_WEBHOOKS_RECONCILE_SCHEDULE: scheduleOutOfTheWay(),
})

/** Delivery attempts per event: the first and one per retry delay. */
const RETRY_DELAYS_MS = [50, 100]

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    /** A webhook endpoint that is down: it answers 500 to everything. */
    let brokenEndpoint: http.Server
    let brokenEndpointUrl = ""
    let brokenEndpointHits = 0
    /** The reconciler's getPaymentStatus calls per PaymentIntent id, over the Stripe providers used here. */
    const statusAsks = new Map<string, number>()

    const container = (): MedusaContainer => getContainer()
    const inbox = () => container().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const paymentModule = () => container().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const paymentOf = (order: CartOrder) => order.payment_collections[0].payments![0]
    const rowsOf = async (sessionId: string) =>
      (await inbox().listPaymentWebhookEvents({ session_id: sessionId })) as PaymentWebhookEventDTO[]
    const checkOf = async (sessionId: string) => (await inbox().sessionChecksOf([sessionId])).get(sessionId)
    const asksAbout = (paymentIntentId: string) => statusAsks.get(paymentIntentId) ?? 0
    const runJob = () => reconcilePaymentSessionsJob(container())

    beforeAll(async () => {
      seed = await seedForTests(container())
      brokenEndpoint = http.createServer((request, response) => {
        brokenEndpointHits += 1
        request.resume()
        response.writeHead(500, { "content-type": "text/plain" }).end("endpoint down")
      })
      await new Promise<void>((resolve) => brokenEndpoint.listen(0, "127.0.0.1", resolve))
      brokenEndpointUrl = `http://127.0.0.1:${(brokenEndpoint.address() as AddressInfo).port}/hooks/payment/stripe_stripe`
      // Count the status reads the reconciler makes. Our Stripe provider's authorizePayment reads the
      // status through getPaymentStatus too (when the workflow authorizes); those are not counted.
      const authorizing = new Set<string>()
      for (const providerId of ["pp_stripe_stripe", "pp_stripe-bancontact_stripe"]) {
        type Input = { data: { id?: string } }
        const provider = paymentProviderOf(container(), providerId) as {
          getPaymentStatus: (input: Input) => Promise<unknown>
          authorizePayment: (input: Input) => Promise<unknown>
        }
        const getPaymentStatus = provider.getPaymentStatus.bind(provider)
        const authorizePayment = provider.authorizePayment.bind(provider)
        jest.spyOn(provider, "getPaymentStatus").mockImplementation(async (input) => {
          const id = String(input.data.id)
          if (!authorizing.has(id)) {
            statusAsks.set(id, asksAbout(id) + 1)
          }
          return getPaymentStatus(input)
        })
        jest.spyOn(provider, "authorizePayment").mockImplementation(async (input) => {
          const id = String(input.data.id)
          authorizing.add(id)
          try {
            return await authorizePayment(input)
          } finally {
            authorizing.delete(id)
          }
        })
      }
    })

    afterAll(async () => {
      await new Promise((resolve) => brokenEndpoint?.close(resolve))
    })

    beforeEach(() => {
      // Every event goes to the broken endpoint, is retried twice and then given up, as Stripe does after 3 days.
      harness.sim.setEndpoints([{ url: brokenEndpointUrl, secret: TEST_WEBHOOK_SECRET }])
      harness.sim.setDelivery({ retryDelaysMs: RETRY_DELAYS_MS })
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    /** Waits until the session is older than reconcileAfterMs (the reconciler's delay). */
    async function untilReconcilable(sessionId: string): Promise<void> {
      const session = await paymentModule().retrievePaymentSession(sessionId)
      const wait = new Date(session.created_at as Date).getTime() + RECONCILE_AFTER_MS + 100 - Date.now()
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)))
    }

    /** Every delivery attempt of the simulator's events about this PaymentIntent. */
    function deliveriesAbout(paymentIntentId: string) {
      const eventIds = new Set(
        harness.sim.events
          .filter((event: Stripe.Event) => {
            const object = event.data.object as { id?: string; payment_intent?: string }
            return object.id === paymentIntentId || object.payment_intent === paymentIntentId
          })
          .map((event) => event.id)
      )
      return harness.sim.deliveries.filter((delivery) => eventIds.has(delivery.eventId))
    }

    /** Runs the job until the cart has an order; returns the order and how many runs it took. */
    async function reconcileUntilOrdered(cartId: string): Promise<{ order: CartOrder; runs: number }> {
      for (let runs = 1; runs <= 5; runs++) {
        await runJob()
        const order = await getCartOrder(container(), cartId)
        if (order) {
          return { order, runs }
        }
      }
      throw new Error(`cart ${cartId} has no order after 5 reconciler runs`)
    }

    it("the job runs every minute unless PAYMENT_WEBHOOKS_RECONCILE_SCHEDULE says otherwise", () => {
      expect(jobConfig).toEqual({ name: "reconcile-payment-sessions", schedule: "* * * * *" })
    })

    it("card paid while the webhook endpoint answered 500 until Stripe gave up: the reconciler makes the order, authorized as at Stripe, once", async () => {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      await harness.sim.idle()

      // Stripe tried every event 3 times and gave up; nothing reached Medusa.
      const deliveries = deliveriesAbout(paymentIntentId)
      expect(deliveries.length).toBeGreaterThanOrEqual(3)
      expect(deliveries.every((delivery) => delivery.status === 500 && delivery.url === brokenEndpointUrl)).toBe(true)
      expect(Math.max(...deliveries.map((delivery) => delivery.attempt))).toBe(RETRY_DELAYS_MS.length + 1)
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("requires_capture")
      expect(await rowsOf(paymentSession.id)).toHaveLength(0)
      expect(await getCartOrder(container(), cart.id)).toBeNull()

      await untilReconcilable(paymentSession.id)
      const { order, runs } = await reconcileUntilOrdered(cart.id)

      expect(runs).toBe(1)
      expect(asksAbout(paymentIntentId)).toBe(1)
      expect(await countCartOrders(container(), cart.id)).toBe(1)
      const rows = await rowsOf(paymentSession.id)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        source: "reconciler",
        status: "processed",
        provider_id: "pp_stripe_stripe",
        event_key: `reconcile:${paymentSession.id}:authorized`,
        event_type: "reconciler.authorized",
        action: "authorized",
        amount: Number(cart.total),
        attempts: 1,
      })
      expect(rows[0].outcome).toMatch(/authorized.*cart completed/)
      const payment = paymentOf(order)
      expect(Number(payment.amount)).toBe(Number(cart.total))
      expect(payment.captured_at).toBeFalsy()
      expect(payment.captures ?? []).toHaveLength(0)
      expect((await paymentModule().retrievePaymentSession(paymentSession.id)).status).toBe("authorized")
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("requires_capture")
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(0)
      expect(await checkOf(paymentSession.id)).toMatchObject({ checks: 1 })

      // Running the job again changes nothing: no second row, no second order, Stripe is not asked again.
      const again = await runJob()
      expect(again.reconciled).toBe(0)
      expect(await rowsOf(paymentSession.id)).toHaveLength(1)
      expect(await countCartOrders(container(), cart.id)).toBe(1)
      expect(asksAbout(paymentIntentId)).toBe(1)
      console.info(
        `reconciler, card: ${deliveries.length} webhook attempts answered 500 (endpoint hit ${brokenEndpointHits} times so far); ` +
          `order after ${runs} job run(s), ${asksAbout(paymentIntentId)} getPaymentStatus call(s), outcome "${rows[0].outcome}"`
      )
    })

    it("Bancontact settled at Stripe (captured automatically) with the endpoint down: the reconciler makes the order with exactly Stripe's capture", async () => {
      const providerId = "pp_stripe-bancontact_stripe"
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, {
        payment_method: "pm_bancontact",
        return_url: "http://localhost:8000/checkout/return",
      })
      await harness.sim.succeedPending(paymentIntentId)
      await harness.sim.idle()
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("succeeded")
      expect(deliveriesAbout(paymentIntentId).every((delivery) => delivery.status === 500)).toBe(true)
      expect(await getCartOrder(container(), cart.id)).toBeNull()

      await untilReconcilable(paymentSession.id)
      const { order, runs } = await reconcileUntilOrdered(cart.id)

      expect(runs).toBe(1)
      const rows = await rowsOf(paymentSession.id)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        source: "reconciler",
        status: "processed",
        provider_id: providerId,
        event_key: `reconcile:${paymentSession.id}:captured`,
        action: "captured",
        amount: null,
      })
      const payment = paymentOf(order)
      expect(payment.provider_id).toBe(providerId)
      expect(payment.captured_at).toBeTruthy()
      expect(payment.captures).toHaveLength(1)
      expect(Number(payment.captures![0].amount)).toBe(Number(cart.total))
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(0) // Stripe captured by itself; nobody called capture

      await runJob()
      expect(await rowsOf(paymentSession.id)).toHaveLength(1)
      expect(await countCartOrders(container(), cart.id)).toBe(1)
      expect(paymentOf((await getCartOrder(container(), cart.id))!).captures).toHaveLength(1)
      console.info(`reconciler, bancontact: order after ${runs} job run(s), outcome "${rows[0].outcome}"`)
    })

    it("payments still pending at Stripe (never confirmed; 3-D Secure requires_action) are left alone, and not asked about again before their next check", async () => {
      const unconfirmed = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const authenticating = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const unconfirmedIntent = (unconfirmed.paymentSession.data as { id: string }).id
      const authenticatingIntent = (authenticating.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(authenticatingIntent, { payment_method: "pm_card_authenticationRequired" })
      await harness.sim.idle()
      expect(harness.sim.paymentIntent(unconfirmedIntent)!.status).toBe("requires_payment_method")
      expect(harness.sim.paymentIntent(authenticatingIntent)!.status).toBe("requires_action")
      await untilReconcilable(authenticating.paymentSession.id)

      await runJob()

      for (const [{ cart, paymentSession }, intent, providerStatus] of [
        [unconfirmed, unconfirmedIntent, "pending"],
        [authenticating, authenticatingIntent, "requires_more"],
      ] as const) {
        expect(asksAbout(intent)).toBe(1)
        expect(await rowsOf(paymentSession.id)).toHaveLength(0)
        expect(await getCartOrder(container(), cart.id)).toBeNull()
        const check = await checkOf(paymentSession.id)
        expect(check).toMatchObject({ checks: 1 })
        // Checked no earlier than due (created + RECONCILE_AFTER_MS), so asked again one interval after that.
        const createdAt = new Date((await paymentModule().retrievePaymentSession(paymentSession.id)).created_at as Date).getTime()
        expect(check!.next_check_at!.getTime()).toBeGreaterThanOrEqual(createdAt + 2 * RECONCILE_AFTER_MS)
        const [row] = await inbox().listPaymentSessionChecks({ session_id: paymentSession.id })
        expect(row.last_status).toBe(providerStatus)
      }

      // Right after: not due yet, so Stripe is not asked again and the checks do not grow.
      await runJob()
      expect(asksAbout(unconfirmedIntent)).toBe(1)
      expect(asksAbout(authenticatingIntent)).toBe(1)
      expect(await checkOf(unconfirmed.paymentSession.id)).toMatchObject({ checks: 1 })
      expect(await checkOf(authenticating.paymentSession.id)).toMatchObject({ checks: 1 })
      expect(await rowsOf(unconfirmed.paymentSession.id)).toHaveLength(0)
      expect(await rowsOf(authenticating.paymentSession.id)).toHaveLength(0)
    })

    it("a session younger than reconcileAfterMs is not asked about; once it is older, it is", async () => {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      await harness.sim.idle()
      const age = Date.now() - new Date((await paymentModule().retrievePaymentSession(paymentSession.id)).created_at as Date).getTime()
      expect(age).toBeLessThan(RECONCILE_AFTER_MS)

      await runJob()

      expect(asksAbout(paymentIntentId)).toBe(0)
      expect(await checkOf(paymentSession.id)).toBeUndefined()
      expect(await rowsOf(paymentSession.id)).toHaveLength(0)
      expect(await getCartOrder(container(), cart.id)).toBeNull()

      await untilReconcilable(paymentSession.id)
      await runJob()
      expect(asksAbout(paymentIntentId)).toBe(1)
      expect(await countCartOrders(container(), cart.id)).toBe(1)
    })
  },
})
