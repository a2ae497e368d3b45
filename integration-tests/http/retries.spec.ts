import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import Stripe from "stripe"
import processDuePaymentWebhooks from "../../src/jobs/process-due-payment-webhooks"
import { eventFactsFrom } from "../../src/modules/payment-webhooks/utils/event-facts"
import { drainDuePaymentWebhooks } from "../../src/processing/drain"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import { buildStripeEvent } from "../../src/testing/stripe-simulator"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { createCartReadyForPayment, getCartOrder, seedForTests } from "../helpers/store-flow"
import { scheduleOutOfTheWay, TEST_WEBHOOK_SECRET, useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { signedStripeDelivery } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/**
 * Three attempts, retries due after ~0.1-0.3 s, Stripe calls abandoned after 1.5 s. The tests run the
 * recovery drain themselves (the scheduled job would race them), so its schedule is out of their way.
 */
const harness = useStripeSimulator({
  PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE: scheduleOutOfTheWay(),
  PAYMENT_WEBHOOKS_MAX_ATTEMPTS: "3",
  PAYMENT_WEBHOOKS_RETRY_BASE_DELAY_MS: "100",
  PAYMENT_WEBHOOKS_RETRY_MAX_DELAY_MS: "300",
  STRIPE_API_TIMEOUT_MS: "1500",
})
const SDK_ATTEMPTS_PER_CALL = 3

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    beforeEach(() => {
      harness.sim.setDelivery({})
      harness.sim.setEndpoints([])
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    async function deliver(event: Stripe.Event): Promise<{ id: string; status: string }> {
      const { status, data } = await signedStripeDelivery(api, event).post()
      expect(status).toBe(200)
      return data as { id: string; status: string }
    }

    async function settled(id: string): Promise<PaymentWebhookEventDTO> {
      return waitFor(async () => {
        const row = await inbox().retrieveEvent(id)
        return row.status === "processing" || row.status === "received" ? null : row
      }, { what: `row ${id} to settle` })
    }

    /** Runs the recovery job until the row is finished (processed, ignored or dead). */
    async function retryUntilFinished(id: string): Promise<PaymentWebhookEventDTO> {
      return waitFor(async () => {
        await processDuePaymentWebhooks(getContainer())
        const row = await inbox().retrieveEvent(id)
        return ["processed", "ignored", "dead"].includes(row.status) ? row : null
      }, { timeoutMs: 60_000, intervalMs: 150, what: `row ${id} to finish` })
    }

    async function authorizedCart() {
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      return { ...ready, paymentIntentId }
    }

    it("a failing attempt is recorded (failed, attempts, last_error, next_attempt_at) and the retry succeeds", async () => {
      const { cart, paymentIntentId } = await authorizedCart()
      harness.sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, SDK_ATTEMPTS_PER_CALL, "error")

      const received = await deliver(buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!))
      const failed = await settled(received.id)

      expect(failed.status).toBe("failed")
      expect(failed.attempts).toBe(1)
      expect(failed.last_error).toMatch(/stripe|provider|authoriz/i)
      expect(new Date(failed.next_attempt_at!).getTime()).toBeGreaterThan(new Date(failed.updated_at).getTime() - 1000)
      expect(await getCartOrder(getContainer(), cart.id)).toBeNull()

      const processed = await retryUntilFinished(received.id)
      expect(processed.status).toBe("processed")
      expect(processed.attempts).toBe(2)
      expect(await getCartOrder(getContainer(), cart.id)).not.toBeNull()
    })

    it("after the last attempt the row is dead and payment_webhook.dead is emitted", async () => {
      const { cart, paymentIntentId } = await authorizedCart()
      harness.sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, 3 * SDK_ATTEMPTS_PER_CALL, "error")
      const deadEvents: unknown[] = []
      getContainer().resolve(Modules.EVENT_BUS).subscribe("payment_webhook.dead", async (event: { data: unknown }) => {
        deadEvents.push(event.data)
      })

      const received = await deliver(buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!))
      const dead = await retryUntilFinished(received.id)

      expect(dead.status).toBe("dead")
      expect(dead.attempts).toBe(3)
      expect(dead.next_attempt_at).toBeNull()
      expect(dead.last_error).toBeTruthy()
      await waitFor(async () => deadEvents.length > 0, { what: "payment_webhook.dead" })
      expect(deadEvents[0]).toMatchObject({ id: received.id })
      expect(await getCartOrder(getContainer(), cart.id)).toBeNull()
    })

    it("an error that can never succeed (no such session, older than Stripe's 3-day retry window) is dead at once", async () => {
      const fourDaysAgo = Math.floor(Date.now() / 1000) - 4 * 24 * 3600
      const event = buildStripeEvent(
        "payment_intent.amount_capturable_updated",
        { id: "pi_gone", object: "payment_intent", amount: 1000, amount_capturable: 1000, currency: "eur", status: "requires_capture", metadata: { session_id: "payses_does_not_exist" }, payment_method_types: ["card"] },
        { created: fourDaysAgo }
      )

      const received = await deliver(event)
      const dead = await settled(received.id)

      expect(dead.status).toBe("dead")
      expect(dead.attempts).toBe(1)
      expect(dead.last_error).toMatch(/not found/i)
    })

    it("a session that does not exist yet (fresh event) is retried, not given up", async () => {
      const event = buildStripeEvent("payment_intent.amount_capturable_updated", {
        id: "pi_early", object: "payment_intent", amount: 1000, amount_capturable: 1000, currency: "eur", status: "requires_capture", metadata: { session_id: "payses_not_yet" }, payment_method_types: ["card"],
      })

      const received = await deliver(event)
      const failed = await settled(received.id)

      expect(failed.status).toBe("failed")
      expect(failed.next_attempt_at).not.toBeNull()
    })

    it("Stripe outage during processing: the capture call fails, processing retries, one capture takes effect", async () => {
      const { cart, paymentIntentId } = await authorizedCart()
      const authorized = await deliver(buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!))
      expect((await settled(authorized.id)).status).toBe("processed")
      await harness.stripe.paymentIntents.capture(paymentIntentId)
      harness.sim.failNext({ method: "POST", path: `/v1/payment_intents/${paymentIntentId}/capture` }, 2, "error")
      harness.sim.failNext({ method: "POST", path: `/v1/payment_intents/${paymentIntentId}/capture` }, 1, "timeout")

      const succeeded = await deliver(buildStripeEvent("payment_intent.succeeded", harness.sim.paymentIntent(paymentIntentId)!))
      const first = await settled(succeeded.id)
      expect(first.status).toBe("failed")
      const processed = await retryUntilFinished(succeeded.id)

      expect(processed.status).toBe("processed")
      const payment = (await getCartOrder(getContainer(), cart.id))!.payment_collections[0].payments![0]
      expect(payment.captured_at).toBeTruthy()
      expect(payment.captures).toHaveLength(1)
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(1)
    })

    it("Stripe outage during an admin capture: 500 then a timeout, the SDK retries with the same idempotency key, one capture", async () => {
      const { cart, paymentIntentId } = await authorizedCart()
      const authorized = await deliver(buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!))
      await settled(authorized.id)
      const payment = (await getCartOrder(getContainer(), cart.id))!.payment_collections[0].payments![0]
      const { data: login } = await api.post("/auth/user/emailpass", { email: seed.admin.email, password: seed.admin.password })
      harness.sim.failNext({ method: "POST", path: `/v1/payment_intents/${paymentIntentId}/capture` }, 1, "error")
      harness.sim.failNext({ method: "POST", path: `/v1/payment_intents/${paymentIntentId}/capture` }, 1, "timeout")

      const capture = await api.post(`/admin/payments/${payment.id}/capture`, {}, {
        headers: { authorization: `Bearer ${login.token}` },
        validateStatus: () => true,
      })

      expect(capture.status).toBe(200)
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(1)
      const succeeded = harness.sim.events.find(
        (event) => event.type === "payment_intent.succeeded" && (event.data.object as { id: string }).id === paymentIntentId
      )!
      const row = await settled((await deliver(succeeded)).id)
      expect(row.status).toBe("processed")
      const after = (await getCartOrder(getContainer(), cart.id))!.payment_collections[0].payments![0]
      expect(after.captures).toHaveLength(1)
    })

    it("Stripe's API hanging: a charge.refunded is acknowledged without calling Stripe, and processed once the API is back", async () => {
      const { paymentIntentId } = await authorizedCart()
      await settled((await deliver(buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!))).id)
      await harness.stripe.paymentIntents.capture(paymentIntentId)
      await settled((await deliver(buildStripeEvent("payment_intent.succeeded", harness.sim.paymentIntent(paymentIntentId)!))).id)
      const refund = await harness.sim.refundFromDashboard(paymentIntentId, 300)
      const simulated = [...harness.sim.events]
        .reverse()
        .find((event) => event.type === "charge.refunded" && (event.data.object as Stripe.Charge).payment_intent === paymentIntentId)!
      // As Stripe sends it since API version 2022-11-15: the charge without its `refunds` list, which
      // only Stripe's API can give (the simulator still embeds it).
      const { refunds: _embedded, ...charge } = simulated.data.object as Stripe.Charge
      const chargeRefunded = buildStripeEvent("charge.refunded", charge)

      // Every API request from now on hangs: nothing that needs Stripe can finish.
      const HUNG = 1000
      harness.sim.failNext({ path: /.*/ }, HUNG, "timeout")
      const startedAt = Date.now()
      const answer = await signedStripeDelivery(api, chargeRefunded).post()
      const acknowledgedInMs = Date.now() - startedAt

      expect(answer.status).toBe(200)
      expect(answer.data.status).toBe("received")
      // No request reached the (hanging) API while acknowledging.
      expect(harness.sim.pendingFailures()).toBe(HUNG)
      console.info(`charge.refunded acknowledged in ${acknowledgedInMs} ms while Stripe's API hangs`)
      const failed = await settled(answer.data.id!)
      expect(failed.status).toBe("failed")
      expect(failed.last_error).toContain("resolve-webhook-event")

      harness.sim.clearFailures()
      const processed = await retryUntilFinished(answer.data.id!)
      expect(processed.status).toBe("processed")
      expect(processed.session_id).toBeTruthy()
      const payment = await getContainer()
        .resolve<IPaymentModuleService>(Modules.PAYMENT)
        .listPayments({ payment_session_id: processed.session_id } as never, { relations: ["refunds"] })
      const refunds = (payment[0].refunds ?? []).map((recorded) => ({
        amount: Number(recorded.amount),
        provider_refund_id: (recorded as { metadata?: Record<string, unknown> | null }).metadata?.provider_refund_id,
      }))
      expect(refunds).toEqual([{ amount: 3, provider_refund_id: refund.id }])
    })

    it("the recovery drain takes every due row, recoveryConcurrency (4) at a time: never more in processing at once", async () => {
      const ROWS = 8
      const paymentModule = getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT)
      // The carts first, then the rows one right after another: a `received` row is due for the recovery job
      // one lease (10 s) after it was stored, and preparing 8 carts on a loaded machine can take longer.
      const paymentIntentIds: string[] = []
      for (let index = 0; index < ROWS; index++) {
        paymentIntentIds.push((await authorizedCart()).paymentIntentId)
      }
      const ids: string[] = []
      for (const paymentIntentId of paymentIntentIds) {
        // Each authorization hangs once (the SDK gives up after 1.5 s and retries): the rows stay in processing a while.
        harness.sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, 1, "timeout")
        // Stored as the route stores it, but without the trigger that would process it at once (lost with a crash).
        const event = buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!)
        const body = JSON.stringify(event)
        const { action, data } = await paymentModule.getWebhookActionAndData({
          provider: "pp_stripe_stripe",
          payload: {
            data: event as unknown as Record<string, unknown>,
            rawData: Buffer.from(body),
            headers: { "stripe-signature": harness.stripe.webhooks.generateTestHeaderString({ payload: body, secret: TEST_WEBHOOK_SECRET }) },
          },
        })
        const { event: row } = await inbox().recordEvent({
          provider_id: "pp_stripe_stripe",
          event_key: event.id,
          ...eventFactsFrom(action, data as Record<string, unknown>),
          payload: { action, data, event },
          status: "received",
        })
        ids.push(row.id)
      }

      // Drain until every row is finished: on a loaded machine a Stripe call can also miss the 1.5 s timeout,
      // and its row then waits, `failed`, for the next drain. The bound must hold through all of them.
      let mostAtOnce = 0
      let firstDrainHandled: number | undefined
      const deadline = Date.now() + 180_000
      // Every row is stored by now. `receivedBefore` is a JS Date (milliseconds) and `created_at` Postgres'
      // microseconds: the last row, stored in the same millisecond as a bare `new Date()`, would be "after" it.
      const storedBefore = new Date(Date.now() + 1000)
      for (let drains = 0; Date.now() < deadline; drains++) {
        const drained = drainDuePaymentWebhooks(getContainer(), { receivedBefore: storedBefore })
        let done = false
        void drained.finally(() => (done = true))
        while (!done) {
          const rows = await Promise.all(ids.map((id) => inbox().retrieveEvent(id)))
          mostAtOnce = Math.max(mostAtOnce, rows.filter((row) => row.status === "processing").length)
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        const counts = await drained
        firstDrainHandled ??= Object.values(counts).reduce((sum, count) => sum + count, 0)
        const rows = await Promise.all(ids.map((id) => inbox().retrieveEvent(id)))
        if (rows.every((row) => ["processed", "ignored", "dead"].includes(row.status))) {
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 300))
      }

      // The first drain took every due row (all 8 were due), 4 at a time.
      expect(firstDrainHandled).toBe(ROWS)
      expect(mostAtOnce).toBe(4)
      const rows = await Promise.all(ids.map((id) => inbox().retrieveEvent(id)))
      expect(rows.map((row) => row.status)).toEqual(ids.map(() => "processed"))
    })
  },
})
