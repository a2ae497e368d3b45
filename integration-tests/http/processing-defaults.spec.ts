import { completeCartWorkflow } from "@medusajs/core-flows"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import processDuePaymentWebhooks from "../../src/jobs/process-due-payment-webhooks"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { countCartOrders, createCartReadyForPayment, seedForTests } from "../helpers/store-flow"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { inboxRowIn, signedStripeDelivery, simulatorEvent, type WebhookApi } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/**
 * Processing with the plugin's default options (10 s lease, the recovery job every 5 s). Only the
 * Stripe provider's request timeout is raised above the lease, so a hung Stripe call outlives it.
 */
const harness = useStripeSimulator({ STRIPE_API_TIMEOUT_MS: "15000" })

/**
 * Carts whose next completion fails as a database hiccup would: a plain error, no MedusaError type.
 * Injected through completeCartWorkflow's public `validate` hook, which runs inside cart completion.
 */
const hiccupOnce = new Set<string>()
completeCartWorkflow.hooks.validate(async ({ cart }) => {
  if (hiccupOnce.delete(cart.id)) {
    throw Object.assign(new Error("Connection terminated unexpectedly"), { code: "57P01" })
  }
})

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)

    /** Runs the recovery job (as its schedule would) until the failed row has been retried to `processed`. */
    const retriedUntilProcessed = (id: string, what: string) =>
      waitFor(async () => {
        await processDuePaymentWebhooks(getContainer())
        const row = await inbox().retrieveEvent(id)
        return row.status === "processed" ? row : null
      }, { timeoutMs: 60_000, intervalMs: 500, what })

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
      harness.sim.setEndpoints([])
    })

    it("a transient failure of cart completion is retried, and the authorization is kept: no void, then one order", async () => {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      hiccupOnce.add(cart.id)

      const answer = await signedStripeDelivery(
        api as WebhookApi,
        simulatorEvent(harness.sim, "payment_intent.amount_capturable_updated", paymentIntentId)
      ).post()
      const failed = await inboxRowIn(getContainer(), answer.data.id!, ["failed", "dead", "processed"])

      expect(failed).toMatchObject({ status: "failed", attempts: 1 })
      expect(failed.last_error).toContain("Connection terminated unexpectedly")
      expect(failed.next_attempt_at).not.toBeNull()
      // Nothing was given back: Stripe still holds the authorization, and so does Medusa.
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("requires_capture")
      const [payment] = await getContainer()
        .resolve<IPaymentModuleService>(Modules.PAYMENT)
        .listPayments({ payment_session_id: paymentSession.id } as never)
      expect(payment.canceled_at).toBeFalsy()
      expect(await countCartOrders(getContainer(), cart.id)).toBe(0)

      const processed = await retriedUntilProcessed(failed.id, "the retry to complete the cart")
      expect(processed.attempts).toBe(2)
      expect(processed.outcome).toContain("cart completed")
      expect(await countCartOrders(getContainer(), cart.id)).toBe(1)
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("requires_capture")
      const attempts = await inbox().listEventAttempts(failed.id)
      expect(attempts.map((attempt) => attempt.result)).toEqual(["failed", "processed"])
    })

    it("a transient failure of cart completion for a payment Stripe already captured gives nothing back: retried, then one order and one capture", async () => {
      // Medusa's completeCartWorkflow refunds a captured payment when completion fails; the plugin records
      // the capture only once the order exists, so a hiccup cannot turn into a refund.
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      await harness.stripe.paymentIntents.capture(paymentIntentId)
      hiccupOnce.add(cart.id)

      const answer = await signedStripeDelivery(api as WebhookApi, simulatorEvent(harness.sim, "payment_intent.succeeded", paymentIntentId)).post()
      const failed = await inboxRowIn(getContainer(), answer.data.id!, ["failed", "dead", "processed"])

      expect(failed).toMatchObject({ status: "failed", attempts: 1 })
      expect(failed.last_error).toContain("Connection terminated unexpectedly")
      expect((await harness.stripe.refunds.list({ payment_intent: paymentIntentId })).data).toEqual([])
      expect(await countCartOrders(getContainer(), cart.id)).toBe(0)

      const processed = await retriedUntilProcessed(failed.id, "the retry to complete the cart and record the capture")
      expect(processed.outcome).toContain("cart completed")
      expect(processed.outcome).toContain(`captured ${Number(cart.total)}`)
      expect(await countCartOrders(getContainer(), cart.id)).toBe(1)
      const [payment] = await getContainer()
        .resolve<IPaymentModuleService>(Modules.PAYMENT)
        .listPayments({ payment_session_id: paymentSession.id } as never, { relations: ["captures", "refunds"] })
      expect(payment.captured_at).toBeTruthy()
      expect(payment.captures).toHaveLength(1)
      expect(payment.refunds).toEqual([])
      expect((await harness.stripe.refunds.list({ payment_intent: paymentIntentId })).data).toEqual([])
      expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("succeeded")
    })

    it("a worker in a Stripe call longer than its lease keeps the row (the heartbeat renews it): no takeover, one attempt", async () => {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      // The authorization's first request hangs for the SDK's 15 s timeout; its retry answers.
      harness.sim.failNext({ method: "GET", path: `/v1/payment_intents/${paymentIntentId}` }, 1, "timeout")

      const answer = await signedStripeDelivery(
        api as WebhookApi,
        simulatorEvent(harness.sim, "payment_intent.amount_capturable_updated", paymentIntentId)
      ).post()
      const leaseEndsSeen = new Set<number>()
      const processed = await waitFor(async () => {
        const row = await inbox().retrieveEvent(answer.data.id!)
        if (row.status === "processing" && row.next_attempt_at) {
          leaseEndsSeen.add(new Date(row.next_attempt_at).getTime())
        }
        // `received` until a worker claims it, `failed` between attempts: wait for a finished row.
        return ["processed", "ignored", "dead"].includes(row.status) ? row : null
      }, { timeoutMs: 60_000, intervalMs: 250, what: "the row to finish after the slow Stripe call" })

      expect(processed).toMatchObject({ status: "processed", attempts: 1 })
      // The lease was renewed while the call hung (more than one lease end seen), and nobody took the row over.
      expect(leaseEndsSeen.size).toBeGreaterThan(2)
      const attempts = await inbox().listEventAttempts(processed.id)
      expect(attempts.map((attempt) => [attempt.attempt, attempt.result])).toEqual([[1, "processed"]])
      expect(await countCartOrders(getContainer(), cart.id)).toBe(1)
    })
  },
})
