import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { createCartReadyForPayment, getCartOrder, seedForTests } from "../helpers/store-flow"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { settledInboxRows } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/** The card provider configured with `capture: true` (automatic capture). */
const harness = useStripeSimulator({ STRIPE_CAPTURE: "true" })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    it("card, automatic capture: `succeeded` alone -> authorized and captured once, order created", async () => {
      harness.deliverTo(api.defaults.baseURL as string)
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id

      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const order = await waitFor(() => getCartOrder(getContainer(), cart.id), { what: "the order" })
      const payment = await waitFor(async () => {
        const current = (await getCartOrder(getContainer(), cart.id))!.payment_collections[0].payments![0]
        return current.captured_at ? current : null
      }, { what: "the captured payment" })
      await harness.sim.idle()

      const intentEvents = harness.sim.events
        .filter((event) => (event.data.object as { id?: string }).id === paymentIntentId)
        .map((event) => event.type)
      expect(intentEvents).toContain("payment_intent.succeeded")
      expect(intentEvents).not.toContain("payment_intent.amount_capturable_updated")
      expect(order.id).toBeDefined()
      expect(Number(payment.amount)).toBe(Number(cart.total))
      expect(payment.captures).toHaveLength(1)
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(0)
      const session = await getContainer().resolve("payment").retrievePaymentSession(paymentSession.id)
      expect(session.status).toBe("authorized")
      const rows = (await settledInboxRows(getContainer(), paymentSession.id)).filter((row) => row.action === "captured")
      expect(rows).toHaveLength(1)
      expect(rows[0].status).toBe("processed")
    })
  },
})
