import type { IEventBusModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import {
  completeCart,
  countCartOrders,
  createCartReadyForPayment,
  getCartOrder,
  seedForTests,
  setVariantStock,
} from "../helpers/store-flow"
import {
  describePurchase,
  inboxRowIn,
  signedStripeDelivery,
  simulatorEvent,
  type Purchase,
  type WebhookApi,
} from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

const harness = useStripeSimulator()
const CONCURRENT_DELIVERIES = 20
/** The storefront's complete starts this long after the deliveries, one round each. */
const STOREFRONT_DELAYS_MS = [0, 100, 250]

/**
 * Reliability, part 2: the same event delivered many times at once while the storefront completes
 * the cart makes exactly one order (and one capture); a cart that cannot become an order gets its
 * money back. Deliveries are made by the test (the simulator's own are switched off) so they race.
 */
medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const compensatedEvents: { id: string; cart_id: string; payment_id: string; outcome: string }[] = []
    const container = (): MedusaContainer => getContainer()
    const paymentModule = () => container().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const inbox = () => container().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)

    beforeAll(async () => {
      seed = await seedForTests(container())
      container()
        .resolve<IEventBusModuleService>(Modules.EVENT_BUS)
        .subscribe("payment_webhook.compensated", async (event) => {
          compensatedEvents.push(event.data as (typeof compensatedEvents)[number])
        })
    })

    beforeEach(() => {
      compensatedEvents.length = 0
      harness.sim.setDelivery({})
      harness.sim.setEndpoints([])
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    const closingNote: string[] = []
    /** Records what the purchase saw for the closing note (printed after the last test). */
    const note = async (purchase: Purchase, label = "") =>
      closingNote.push(
        await describePurchase(container(), harness.sim, purchase, `${expect.getState().currentTestName}${label}`)
      )

    afterAll(() => {
      if (closingNote.length) {
        console.info(closingNote.join("\n"))
      }
    })

    /** A card cart ready for payment whose PaymentIntent was confirmed (and captured, if asked) in Stripe. */
    async function paidInStripe(opts: { capture: boolean }) {
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      if (opts.capture) {
        await harness.stripe.paymentIntents.capture(paymentIntentId)
      }
      return { ...ready, paymentIntentId }
    }

    /** The payment made through `sessionId`, even after Medusa replaced that session with a fresh one. */
    async function paymentOfSession(sessionId: string) {
      const [payment] = await paymentModule().listPayments(
        { payment_session_id: sessionId } as never,
        { relations: ["captures", "refunds"], withDeleted: true }
      )
      return payment ?? null
    }

    /**
     * One race: the signed `eventType` of a fresh card payment posted `CONCURRENT_DELIVERIES` times at
     * once, and the storefront's own `POST /store/carts/:id/complete` after `storefrontDelayMs`
     * (rounds with different delays cover different interleavings). Waits for the row to finish.
     */
    async function raceRound(opts: { capture: boolean; eventType: string; storefrontDelayMs: number }) {
      const paid = await paidInStripe({ capture: opts.capture })
      const event = simulatorEvent(harness.sim, opts.eventType, paid.paymentIntentId)
      const delivery = signedStripeDelivery(api as WebhookApi, event)
      const storefrontCompletes = async () => {
        await new Promise((resolve) => setTimeout(resolve, opts.storefrontDelayMs))
        return completeCart(api, seed, paid.cart.id)
      }
      const [storefront, ...answers] = await Promise.all([
        storefrontCompletes(),
        ...Array.from({ length: CONCURRENT_DELIVERIES }, () => delivery.post()),
      ])
      const ids = [...new Set(answers.map((answer) => answer.data.id))]
      const row = await inboxRowIn(container(), ids[0]!, ["processed", "failed", "dead"])
      const payment = await paymentOfSession(paid.paymentSession.id)
      const stripeRefunds = (await harness.stripe.refunds.list({ payment_intent: paid.paymentIntentId })).data
      return { ...paid, storefront, answers, ids, row, payment, stripeRefunds }
    }

    /** What every round must show: one row for 20 deliveries, one order the storefront got, still paid. */
    async function expectOneOrderStillPaid(round: Awaited<ReturnType<typeof raceRound>>, action: string) {
      expect(round.answers.every((answer) => answer.status === 200)).toBe(true)
      expect(round.ids).toHaveLength(1)
      expect(round.answers.filter((answer) => answer.data.status === "received")).toHaveLength(1)
      expect(round.answers.filter((answer) => answer.data.status === "duplicate")).toHaveLength(CONCURRENT_DELIVERIES - 1)
      expect(round.row).toMatchObject({ status: "processed", action, deliveries: CONCURRENT_DELIVERIES, attempts: 1 })
      expect(await inbox().listPaymentWebhookEvents({ session_id: round.paymentSession.id })).toHaveLength(1)

      expect(await countCartOrders(container(), round.cart.id)).toBe(1)
      const order = await getCartOrder(container(), round.cart.id)
      // Status and body together, so a failure shows what the storefront was told.
      expect({ status: round.storefront.status, data: round.storefront.data }).toMatchObject({
        status: 200,
        data: { type: "order", order: { id: order!.id } },
      })
      expect(order!.payment_collections[0].payments).toHaveLength(1)
      expect(Number(round.payment!.amount)).toBe(Number(round.cart.total))
      expect(round.payment!.canceled_at).toBeFalsy()
      expect(round.payment!.refunds ?? []).toHaveLength(0)
      expect(round.stripeRefunds).toHaveLength(0)
    }

    describe("races and duplicates", () => {
      it(`authorization: ${CONCURRENT_DELIVERIES} concurrent deliveries + the storefront's complete -> one row (deliveries ${CONCURRENT_DELIVERIES}), one order, the storefront gets it`, async () => {
        for (const storefrontDelayMs of STOREFRONT_DELAYS_MS) {
          const round = await raceRound({
            capture: false,
            eventType: "payment_intent.amount_capturable_updated",
            storefrontDelayMs,
          })

          await expectOneOrderStillPaid(round, "authorized")
          expect(round.payment!.captures ?? []).toHaveLength(0)
          expect(harness.sim.paymentIntent(round.paymentIntentId)!.status).toBe("requires_capture")
          await note(round, ` (storefront +${storefrontDelayMs} ms)`)
        }
      })

      it(`capture already made in Stripe: ${CONCURRENT_DELIVERIES} concurrent payment_intent.succeeded + the storefront -> one order, one Medusa capture, one Stripe capture`, async () => {
        for (const storefrontDelayMs of STOREFRONT_DELAYS_MS) {
          const round = await raceRound({ capture: true, eventType: "payment_intent.succeeded", storefrontDelayMs })

          await expectOneOrderStillPaid(round, "captured")
          expect(round.payment!.captured_at).toBeTruthy()
          expect(round.payment!.captures).toHaveLength(1)
          expect(Number(round.payment!.captures![0].amount)).toBe(Number(round.cart.total))
          expect(harness.sim.effectiveCaptures(round.paymentIntentId)).toBe(1)
          await note(round, ` (storefront +${storefrontDelayMs} ms)`)
        }
      })
    })

    describe("compensation when the cart cannot become an order", () => {
      it("captured (succeeded) but out of stock -> the capture is refunded through Stripe, row dead, payment_webhook.compensated, no order", async () => {
        const { cart, paymentIntentId, paymentSession } = await paidInStripe({ capture: false })
        await setVariantStock(container(), seed, seed.variant_ids[0], 0)
        await harness.stripe.paymentIntents.capture(paymentIntentId)

        const answer = await signedStripeDelivery(
          api as WebhookApi,
          simulatorEvent(harness.sim, "payment_intent.succeeded", paymentIntentId)
        ).post()
        expect(answer.data.status).toBe("received")
        const row = await inboxRowIn(container(), answer.data.id!, ["processed", "failed", "dead"])

        expect(row.status).toBe("dead")
        expect(row.outcome).toMatch(/^compensated/)
        const stripeRefunds = (await harness.stripe.refunds.list({ payment_intent: paymentIntentId })).data
        expect(stripeRefunds).toHaveLength(1)
        expect(stripeRefunds[0]).toMatchObject({ amount: harness.sim.paymentIntent(paymentIntentId)!.amount_received })
        const payment = await paymentOfSession(paymentSession.id)
        const refunded = (payment!.refunds ?? []).reduce((sum: number, refund) => sum + Number(refund.amount), 0)
        expect(refunded).toBe(Number(cart.total))
        await waitFor(async () => compensatedEvents.length > 0, { what: "payment_webhook.compensated" })
        expect(compensatedEvents).toEqual([expect.objectContaining({ id: row.id, cart_id: cart.id, outcome: row.outcome })])
        expect(await countCartOrders(container(), cart.id)).toBe(0)
        await note({ cart, paymentSession, paymentIntentId })
      })

      it("authorized (manual capture) but out of stock -> the authorization is voided, row dead, payment_webhook.compensated, no order", async () => {
        const { cart, paymentIntentId, paymentSession } = await paidInStripe({ capture: false })
        await setVariantStock(container(), seed, seed.variant_ids[0], 0)

        const answer = await signedStripeDelivery(
          api as WebhookApi,
          simulatorEvent(harness.sim, "payment_intent.amount_capturable_updated", paymentIntentId)
        ).post()
        expect(answer.data.status).toBe("received")
        const row = await inboxRowIn(container(), answer.data.id!, ["processed", "failed", "dead"])

        expect(row.status).toBe("dead")
        expect(row.outcome).toMatch(/^compensated/)
        expect(harness.sim.paymentIntent(paymentIntentId)!.status).toBe("canceled")
        // Voiding releases the authorization. On the API version the SDK pins (before 2025-03-31.basil)
        // Stripe lists that release as a Refund of the whole, never-captured charge: no money was taken.
        const releases = (await harness.stripe.refunds.list({ payment_intent: paymentIntentId })).data
        expect(releases).toEqual([expect.objectContaining({ amount: harness.sim.paymentIntent(paymentIntentId)!.amount })])
        const charge = await harness.stripe.charges.retrieve(releases[0].charge as string)
        expect(charge).toMatchObject({ captured: false, amount_captured: 0 })
        const payment = await paymentOfSession(paymentSession.id)
        expect(payment!.canceled_at).toBeTruthy()
        expect(payment!.captures ?? []).toHaveLength(0)
        await waitFor(async () => compensatedEvents.length > 0, { what: "payment_webhook.compensated" })
        expect(compensatedEvents).toEqual([expect.objectContaining({ id: row.id, cart_id: cart.id, outcome: row.outcome })])
        expect(await countCartOrders(container(), cart.id)).toBe(0)
        await note({ cart, paymentSession, paymentIntentId })
      })
    })
  },
})
