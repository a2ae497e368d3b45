import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { settledInboxRows } from "../helpers/webhook-delivery"
import { createCartReadyForPayment, getCartOrder, seedForTests, type CartOrder } from "../helpers/store-flow"
import type { SeedResult } from "../../scripts/lib/seed-data"

jest.setTimeout(240 * 1000)

const harness = useStripeSimulator()

/**
 * Stripe reports the part of an authorization that is never captured - all of it when the payment is
 * canceled, the rest after a partial capture - as a `charge.refunded` with a Refund (API versions before
 * 2025-03-31.basil). That money never left the customer: with the plugin's default options no Medusa refund
 * may be recorded for it, while a real refund of the captured part still is, once.
 */
medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const paymentOf = (order: CartOrder) => order.payment_collections[0].payments![0]

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    beforeEach(() => {
      harness.deliverTo(api.defaults.baseURL as string)
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    /** A card payment authorized (manual capture) and its order. */
    async function authorizedOrder() {
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const order = await waitFor(() => getCartOrder(getContainer(), ready.cart.id), { what: `the order of cart ${ready.cart.id}` })
      return { ...ready, paymentIntentId, order }
    }

    const rowsOf = (rows: PaymentWebhookEventDTO[], type: string) => rows.filter((row) => row.event_type === type)

    /** The order's payment once it has `what` (its captures or its refunds). */
    const paymentWith = (cartId: string, what: "captures" | "refunds") =>
      waitFor(
        async () => {
          const current = paymentOf((await getCartOrder(getContainer(), cartId))!)
          return current[what]?.length ? current : null
        },
        { what: `the payment's ${what} in Medusa` }
      )

    it("a canceled authorized payment: charge.refunded is processed as a release, no Medusa refund", async () => {
      const { cart, paymentSession, paymentIntentId } = await authorizedOrder()

      await harness.stripe.paymentIntents.cancel(paymentIntentId)
      await harness.sim.idle()
      const rows = await settledInboxRows(getContainer(), paymentSession.id)

      const [released] = rowsOf(rows, "charge.refunded")
      expect(released).toMatchObject({
        status: "processed",
        action: "refunded",
        outcome: `released ${Number(cart.total)} never captured (not a refund, none recorded)`,
      })
      const payment = paymentOf((await getCartOrder(getContainer(), cart.id))!)
      expect(payment.refunds ?? []).toEqual([])
      expect(payment.captures ?? []).toEqual([])
    })

    it("a partial capture: the release records no refund; a later dashboard refund is recorded once", async () => {
      const { cart, paymentSession, paymentIntentId } = await authorizedOrder()
      const total = Number(cart.total)
      const capturedCents = Math.round(total * 100) - 500

      await harness.stripe.paymentIntents.capture(paymentIntentId, { amount_to_capture: capturedCents })
      await harness.sim.idle()
      const captured = await paymentWith(cart.id, "captures")
      let rows = await settledInboxRows(getContainer(), paymentSession.id)
      expect(Number(captured.captures![0].amount)).toBe(capturedCents / 100)
      // The release may arrive before payment_intent.succeeded; then it records the capture ("captured ..., released 5 ...").
      expect(rowsOf(rows, "charge.refunded")).toEqual([
        expect.objectContaining({
          status: "processed",
          outcome: expect.stringMatching(/(^|, )released 5 never captured \(not a refund, none recorded\)$/),
        }),
      ])
      expect(captured.refunds ?? []).toEqual([])

      const refund = await harness.sim.refundFromDashboard(paymentIntentId, 200)
      await harness.sim.idle()
      const refunded = await paymentWith(cart.id, "refunds")
      rows = await settledInboxRows(getContainer(), paymentSession.id)

      expect(refunded.refunds).toHaveLength(1)
      expect(Number(refunded.refunds![0].amount)).toBe(2)
      expect((refunded.refunds![0] as { metadata?: Record<string, unknown> }).metadata).toMatchObject({ provider_refund_id: refund.id })
      // charge.refunded, refund.created and refund.updated all name the refund; it is recorded once.
      const refundRows = rows.filter((row) => row.action === "refunded")
      expect(refundRows.length).toBeGreaterThanOrEqual(3)
      expect(refundRows.every((row) => row.status === "processed")).toBe(true)
    })
  },
})
