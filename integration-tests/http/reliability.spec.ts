import type { IEventBusModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { buildStripeEvent } from "../../src/testing/stripe-simulator"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import {
  adminHeaders,
  completeCart,
  countCartOrders,
  createCartReadyForPayment,
  getCartOrder,
  seedForTests,
  type CartOrder,
} from "../helpers/store-flow"
import {
  describePurchase,
  inboxRowIn,
  settledInboxRows,
  signedStripeDelivery,
  simulatorEvent,
  type Purchase,
  type WebhookApi,
} from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

const harness = useStripeSimulator()

/**
 * Reliability, part 1: session state only moves forward, refunds made outside the store are
 * recorded once each, and disputes end in their final state whatever the order of arrival.
 * (Races, duplicates and compensation: reliability-races.spec.ts.)
 */
medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const disputedEvents: { id: string; dispute: { id: string; status: string } }[] = []
    const container = (): MedusaContainer => getContainer()
    const paymentModule = () => container().resolve<IPaymentModuleService>(Modules.PAYMENT)
    const paymentOf = (order: CartOrder) => order.payment_collections[0].payments![0]
    const orderOf = (cartId: string) =>
      waitFor(() => getCartOrder(container(), cartId), { what: `the order of cart ${cartId}` })
    const sessionStatus = async (sessionId: string) =>
      (await paymentModule().retrievePaymentSession(sessionId, { select: ["id", "status"] })).status

    beforeAll(async () => {
      seed = await seedForTests(container())
      container()
        .resolve<IEventBusModuleService>(Modules.EVENT_BUS)
        .subscribe("payment.disputed", async (event) => {
          disputedEvents.push(event.data as (typeof disputedEvents)[number])
        })
    })

    beforeEach(() => {
      disputedEvents.length = 0
      harness.sim.setDelivery({})
      harness.deliverTo(api.defaults.baseURL as string)
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

    /** A card cart whose PaymentIntent is authorized (manual capture) and whose order exists. */
    async function authorizedCardOrder() {
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const order = await orderOf(ready.cart.id)
      await harness.sim.idle()
      await settledInboxRows(container(), ready.paymentSession.id)
      return { ...ready, paymentIntentId, order }
    }

    /** As `authorizedCardOrder`, then captured in Stripe and the capture recorded in Medusa. */
    async function capturedCardOrder() {
      const authorized = await authorizedCardOrder()
      await harness.stripe.paymentIntents.capture(authorized.paymentIntentId)
      const payment = await waitFor(
        async () => {
          const current = paymentOf((await getCartOrder(container(), authorized.cart.id))!)
          return current.captured_at ? current : null
        },
        { what: "the capture" }
      )
      await harness.sim.idle()
      await settledInboxRows(container(), authorized.paymentSession.id)
      return { ...authorized, payment }
    }

    /** The payment's refunds as Medusa has them now: amount (major units) and the provider's refund id. */
    async function refundsOf(paymentId: string) {
      const payment = await paymentModule().retrievePayment(paymentId, { relations: ["refunds"] })
      return (payment.refunds ?? []).map((refund) => ({
        amount: Number(refund.amount),
        provider_refund_id: (refund as { metadata?: Record<string, unknown> | null }).metadata?.provider_refund_id,
      }))
    }

    /** `payment.metadata.disputes`, where the plugin keeps each dispute by its id. */
    async function disputesOf(paymentId: string) {
      const payment = await paymentModule().retrievePayment(paymentId, { select: ["id", "metadata"] })
      const metadata = (payment as { metadata?: Record<string, unknown> | null }).metadata
      return (metadata?.disputes ?? {}) as Record<string, { status: string; amount: number; reason: string | null }>
    }

    async function stripeRefundsOf(paymentIntentId: string): Promise<Stripe.Refund[]> {
      return (await harness.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data
    }

    describe("forward-only session state", () => {
      it("a late payment_failed or canceled after authorization is superseded: 200, row processed, session stays authorized", async () => {
        const { cart, paymentIntentId, paymentSession, order } = await authorizedCardOrder()
        const intent = harness.sim.paymentIntent(paymentIntentId)!
        const failed = buildStripeEvent("payment_intent.payment_failed", {
          ...intent,
          status: "requires_payment_method",
          amount_capturable: 0,
          last_payment_error: { type: "card_error", code: "card_declined", message: "Your card was declined." },
        })
        const canceled = buildStripeEvent("payment_intent.canceled", {
          ...intent,
          status: "canceled",
          amount_capturable: 0,
          canceled_at: Math.floor(Date.now() / 1000),
        })

        for (const [event, action] of [[failed, "failed"], [canceled, "canceled"]] as const) {
          const answer = await signedStripeDelivery(api as WebhookApi, event).post()
          expect(answer.status).toBe(200)
          expect(answer.data.status).toBe("received")
          const row = await inboxRowIn(container(), answer.data.id!, ["processed", "failed", "dead"])
          expect(row).toMatchObject({ status: "processed", action })
          expect(row.outcome).toMatch(/^superseded/)
        }

        expect(await sessionStatus(paymentSession.id)).toBe("authorized")
        expect(await countCartOrders(container(), cart.id)).toBe(1)
        const payment = await paymentModule().retrievePayment(paymentOf(order).id)
        expect(payment.canceled_at).toBeFalsy()
        await note({ cart, paymentSession, paymentIntentId })
      })

      it("a decline before authorization sets the session to error; the shopper's retry on the same intent authorizes it -> one order", async () => {
        const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
        const paymentIntentId = (ready.paymentSession.data as { id: string }).id

        await expect(
          harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" })
        ).rejects.toMatchObject({ code: "card_declined" })
        await harness.sim.idle()
        const afterDecline = await settledInboxRows(container(), ready.paymentSession.id)

        expect(afterDecline.find((row) => row.event_type === "payment_intent.payment_failed")).toMatchObject({
          status: "processed",
          action: "failed",
          outcome: "session -> error",
        })
        expect(await sessionStatus(ready.paymentSession.id)).toBe("error")
        expect(await countCartOrders(container(), ready.cart.id)).toBe(0)

        await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
        const order = await orderOf(ready.cart.id)
        await harness.sim.idle()
        await settledInboxRows(container(), ready.paymentSession.id)

        expect(await sessionStatus(ready.paymentSession.id)).toBe("authorized")
        expect(await countCartOrders(container(), ready.cart.id)).toBe(1)
        expect(Number(paymentOf(order).amount)).toBe(Number(ready.cart.total))
        await note({ ...ready, paymentIntentId })
      })

      it("payment_intent.canceled cancels the session; the authorization it voided, arriving late, never makes an order", async () => {
        harness.sim.setEndpoints([])
        const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
        const paymentIntentId = (ready.paymentSession.data as { id: string }).id
        // Authorized, then voided in the dashboard before either webhook arrived.
        await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
        await harness.stripe.paymentIntents.cancel(paymentIntentId)

        const canceled = await signedStripeDelivery(
          api as WebhookApi,
          simulatorEvent(harness.sim, "payment_intent.canceled", paymentIntentId)
        ).post()
        expect(canceled.status).toBe(200)
        const canceledRow = await inboxRowIn(container(), canceled.data.id!, ["processed", "failed", "dead"])
        expect(canceledRow).toMatchObject({ status: "processed", action: "canceled", outcome: "session -> canceled" })
        expect(await sessionStatus(ready.paymentSession.id)).toBe("canceled")

        const lateAuthorization = await signedStripeDelivery(
          api as WebhookApi,
          simulatorEvent(harness.sim, "payment_intent.amount_capturable_updated", paymentIntentId)
        ).post()
        expect(lateAuthorization.status).toBe(200)
        const lateRow = await inboxRowIn(container(), lateAuthorization.data.id!, ["processed", "failed", "dead"])
        expect(lateRow).toMatchObject({ status: "processed", action: "authorized" })
        expect(lateRow.outcome).toMatch(/^superseded/)

        const storefront = await completeCart(api, seed, ready.cart.id)
        expect((storefront.data as { type?: string }).type).not.toBe("order")
        expect(await sessionStatus(ready.paymentSession.id)).toBe("canceled")
        expect(await countCartOrders(container(), ready.cart.id)).toBe(0)
        const [session] = await paymentModule().listPaymentSessions(
          { id: ready.paymentSession.id },
          { relations: ["payment"] }
        )
        expect(session.payment).toBeFalsy()
        await note({ ...ready, paymentIntentId })
      })
    })

    describe("refunds made outside the store", () => {
      it("dashboard refunds, each delivered as three events, duplicated and shuffled -> one Medusa refund each, none sent back to Stripe", async () => {
        const { cart, paymentIntentId, paymentSession, payment, order } = await capturedCardOrder()
        harness.sim.setDelivery({ duplicate: true, shuffle: true })
        const eventsBefore = harness.sim.events.length

        const first = await harness.sim.refundFromDashboard(paymentIntentId, 1000)
        await harness.sim.idle()
        const recordedFirst = await waitFor(async () => {
          await settledInboxRows(container(), paymentSession.id)
          const refunds = await refundsOf(payment.id)
          return refunds.length ? refunds : null
        }, { what: "the first refund" })

        expect(recordedFirst).toEqual([{ amount: 10, provider_refund_id: first.id }])

        const second = await harness.sim.refundFromDashboard(paymentIntentId, 550)
        await harness.sim.idle()
        const rows = await settledInboxRows(container(), paymentSession.id)
        const recorded = await refundsOf(payment.id)

        const refundEvents = harness.sim.events.slice(eventsBefore)
        expect(refundEvents.map((event) => event.type).sort()).toEqual(
          ["charge.refunded", "refund.created", "refund.updated"].flatMap((type) => [type, type]).sort()
        )
        const refundRows = rows.filter((row) => row.action === "refunded")
        expect(refundRows).toHaveLength(6)
        expect(refundRows.every((row) => row.status === "processed" && row.deliveries === 2)).toBe(true)
        expect(recorded).toHaveLength(2)
        expect(recorded).toEqual(
          expect.arrayContaining([
            { amount: 10, provider_refund_id: first.id },
            { amount: 5.5, provider_refund_id: second.id },
          ])
        )
        expect(recorded.reduce((sum, refund) => sum + refund.amount, 0)).toBe(15.5)
        const stripeRefundIds = (await stripeRefundsOf(paymentIntentId)).map((refund) => refund.id)
        expect(stripeRefundIds.sort()).toEqual([first.id, second.id].sort())
        expect(Number(cart.total)).toBeGreaterThan(15.5)
        const { data: [withTransactions] } = await container()
          .resolve(ContainerRegistrationKeys.QUERY)
          .graph({ entity: "order", fields: ["transactions.amount", "transactions.reference"], filters: { id: order.id } })
        type Transaction = { amount?: unknown; reference?: string | null } | null
        const refundTransactions = (withTransactions?.transactions ?? [])
          .filter((transaction: Transaction) => transaction?.reference === "refund")
          .map((transaction: Transaction) => Number(transaction?.amount))
        expect(refundTransactions.sort((a: number, b: number) => a - b)).toEqual([-10, -5.5])
        await note({ cart, paymentSession, paymentIntentId })
      })

      it("a refund Medusa issued (admin API) is recognised when its webhooks arrive: one refund, not two", async () => {
        const { cart, paymentIntentId, paymentSession, payment } = await capturedCardOrder()
        const headers = await adminHeaders(api, seed)

        const refunded = await api.post(
          `/admin/payments/${payment.id}/refund`,
          { amount: 7 },
          { headers, validateStatus: () => true }
        )
        expect(refunded.status).toBe(200)
        await harness.sim.idle()
        const rows = await settledInboxRows(container(), paymentSession.id)

        const stripeRefunds = await stripeRefundsOf(paymentIntentId)
        const [medusaRefund] = (await paymentModule().retrievePayment(payment.id, { relations: ["refunds"] })).refunds ?? []
        expect(stripeRefunds).toHaveLength(1)
        expect(stripeRefunds[0]).toMatchObject({ amount: 700, metadata: { medusa_refund_id: medusaRefund.id } })
        const refundRows = rows.filter((row) => row.action === "refunded")
        expect(refundRows.map((row) => row.event_type).sort()).toEqual([
          "charge.refunded",
          "refund.created",
          "refund.updated",
        ])
        expect(refundRows.every((row) => row.status === "processed")).toBe(true)
        const recorded = await refundsOf(payment.id)
        expect(recorded).toEqual([{ amount: 7, provider_refund_id: stripeRefunds[0].id }])
        await note({ cart, paymentSession, paymentIntentId })
      })
      it("a refund Medusa issued whose Medusa record rolled back after Stripe accepted it is recorded once when its webhooks arrive", async () => {
        const { cart, paymentIntentId, paymentSession, payment } = await capturedCardOrder()
        const headers = await adminHeaders(api, seed)
        // Stripe makes the refund, then answers 500 (to the SDK's retries too, as Stripe replays a saved 500
        // for the same idempotency key): Medusa sees the refund fail and deletes its own refund record.
        harness.sim.failNext({ method: "POST", path: "/v1/refunds" }, 3, "error_after_effect")

        const refused = await api.post(`/admin/payments/${payment.id}/refund`, { amount: 4 }, { headers, validateStatus: () => true })
        expect(refused.status).toBeGreaterThanOrEqual(400)
        expect(await refundsOf(payment.id)).toEqual([])
        const stripeRefunds = await stripeRefundsOf(paymentIntentId)
        expect(stripeRefunds).toHaveLength(1)
        expect(stripeRefunds[0].amount).toBe(400)
        expect(stripeRefunds[0].metadata?.medusa_refund_id).toMatch(/^ref_/)

        await harness.sim.idle()
        const rows = await settledInboxRows(container(), paymentSession.id)
        const refundRows = rows.filter((row) => row.action === "refunded")
        expect(refundRows.length).toBeGreaterThanOrEqual(2)
        expect(refundRows.every((row) => row.status === "processed")).toBe(true)
        expect(await refundsOf(payment.id)).toEqual([{ amount: 4, provider_refund_id: stripeRefunds[0].id }])

        // A redelivery of any of them changes nothing.
        const again = await signedStripeDelivery(api as WebhookApi, simulatorEvent(harness.sim, "refund.created", stripeRefunds[0].id)).post()
        expect(again.data.status).toBe("duplicate")
        expect(await refundsOf(payment.id)).toEqual([{ amount: 4, provider_refund_id: stripeRefunds[0].id }])
        await note({ cart, paymentSession, paymentIntentId })
      })
    })

    describe("disputes", () => {
      it("opened, under review, won - shuffled and duplicated -> metadata.disputes[id] ends won and payment.disputed is emitted", async () => {
        const { cart, paymentIntentId, paymentSession, payment } = await capturedCardOrder()
        harness.sim.setDelivery({ duplicate: true, shuffle: true })

        const dispute = await harness.sim.openDispute(paymentIntentId)
        await harness.sim.updateDispute(dispute.id, "under_review")
        await harness.sim.updateDispute(dispute.id, "won")
        await harness.sim.idle()
        const rows = await settledInboxRows(container(), paymentSession.id)

        expect(rows.filter((row) => row.action === "disputed").map((row) => row.event_type).sort()).toEqual([
          "charge.dispute.closed",
          "charge.dispute.created",
          "charge.dispute.funds_reinstated",
          "charge.dispute.funds_withdrawn",
          "charge.dispute.updated",
        ])
        const disputes = await disputesOf(payment.id)
        expect(disputes[dispute.id]).toMatchObject({ status: "won", amount: Number(cart.total), reason: "fraudulent" })
        await waitFor(async () => disputedEvents.length > 0, { what: "payment.disputed" })
        expect(disputedEvents.every((event) => event.id === payment.id && event.dispute.id === dispute.id)).toBe(true)
        await note({ cart, paymentSession, paymentIntentId })
      })

      it("the same dispute's events delivered newest first -> the closed status is never reopened", async () => {
        const { cart, paymentIntentId, paymentSession, payment } = await capturedCardOrder()
        harness.sim.setEndpoints([])
        const dispute = await harness.sim.openDispute(paymentIntentId)
        await harness.sim.updateDispute(dispute.id, "under_review")
        await harness.sim.updateDispute(dispute.id, "lost")
        const events = ["charge.dispute.closed", "charge.dispute.updated", "charge.dispute.created"].map((type) =>
          simulatorEvent(harness.sim, type, dispute.id)
        )

        for (const event of events) {
          const answer = await signedStripeDelivery(api as WebhookApi, event).post()
          expect(answer.data.status).toBe("received")
          await inboxRowIn(container(), answer.data.id!, ["processed", "failed", "dead"])
        }
        const rows = await settledInboxRows(container(), paymentSession.id)

        expect(rows.filter((row) => row.action === "disputed").every((row) => row.status === "processed")).toBe(true)
        const disputes = await disputesOf(payment.id)
        expect(disputes[dispute.id]).toMatchObject({ status: "lost", amount: Number(cart.total) })
        await waitFor(async () => disputedEvents.length > 0, { what: "payment.disputed" })
        expect(disputedEvents).toHaveLength(1)
        expect(disputedEvents[0]).toMatchObject({ id: payment.id, dispute: { id: dispute.id, status: "lost" } })
        await note({ cart, paymentSession, paymentIntentId })
      })
    })
  },
})
