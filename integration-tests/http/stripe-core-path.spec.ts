import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import { buildStripeEvent } from "../../src/testing/stripe-simulator"
import { useStripeSimulator, waitFor } from "../helpers/stripe-harness"
import { settledInboxRows, signedStripeDelivery } from "../helpers/webhook-delivery"
import { createCartReadyForPayment, getCartOrder, seedForTests, type CartOrder } from "../helpers/store-flow"
import type { SeedResult } from "../../scripts/lib/seed-data"

jest.setTimeout(240 * 1000)

const MEDUSA_PROVIDER_SECRET = "whsec_medusa_own_provider"
const harness = useStripeSimulator({ MEDUSA_STRIPE_WEBHOOK_SECRET: MEDUSA_PROVIDER_SECRET })
const webhookToOrderMs: number[] = []

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const paymentOf = (order: CartOrder) => order.payment_collections[0].payments![0]
    const orderOf = (cartId: string) =>
      waitFor(() => getCartOrder(getContainer(), cartId), { what: `the order of cart ${cartId}` })

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    beforeEach(() => {
      harness.sim.setDelivery({ duplicate: false, shuffle: false, delayMs: 0 })
      harness.deliverTo(api.defaults.baseURL as string)
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    afterAll(() => {
      const sorted = [...webhookToOrderMs].sort((a, b) => a - b)
      if (sorted.length) {
        // Reported in the closing note: time from the provider's event to the order existing.
        console.info(`webhook -> order ms: ${sorted.join(", ")} (median ${sorted[Math.floor(sorted.length / 2)]})`)
      }
    })

    async function payWithCard(currency: "eur" | "usd" | "jpy", providerId = "pp_stripe_stripe") {
      const ready = await createCartReadyForPayment(api, seed, { currency, providerId })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      const startedAt = Date.now()
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const order = await orderOf(ready.cart.id)
      webhookToOrderMs.push(Date.now() - startedAt)
      return { ...ready, paymentIntentId, order }
    }

    it("card, manual capture: authorized -> order; later succeeded -> exactly one capture", async () => {
      const { cart, paymentIntentId, order, paymentSession } = await payWithCard("eur")

      const payment = paymentOf(order)
      expect(payment.amount).toEqual(cart.total)
      expect(payment.captured_at).toBeFalsy()
      const session = await getContainer().resolve("payment").retrievePaymentSession(paymentSession.id)
      expect(session.status).toBe("authorized")

      await harness.stripe.paymentIntents.capture(paymentIntentId)
      const captured = await waitFor(async () => {
        const current = paymentOf((await getCartOrder(getContainer(), cart.id))!)
        return current.captured_at ? current : null
      }, { what: "the capture" })
      await harness.sim.idle()

      expect(captured.captures).toHaveLength(1)
      expect(Number(captured.captures![0].amount)).toBe(Number(cart.total))
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(1)
      const rows = await settledInboxRows(getContainer(), paymentSession.id)
      expect(rows.map((row) => row.status).every((status) => status === "processed" || status === "ignored")).toBe(true)
      expect(rows.find((row) => row.event_type === "payment_intent.amount_capturable_updated")).toMatchObject({
        status: "processed",
        action: "authorized",
      })
    })

    it("JPY (zero-decimal): the PaymentIntent carries the exact yen amount and the order's payment matches", async () => {
      const { cart, paymentIntentId, order } = await payWithCard("jpy")

      expect(Number(cart.total)).toBe(4000)
      expect(harness.sim.paymentIntent(paymentIntentId)!.amount).toBe(4000)
      expect(Number(paymentOf(order).amount)).toBe(4000)
    })

    it("the same events delivered twice -> one row each with deliveries 2, one order, one capture", async () => {
      harness.sim.setDelivery({ duplicate: true })
      const { cart, paymentIntentId, paymentSession } = await payWithCard("usd")
      await harness.stripe.paymentIntents.capture(paymentIntentId)
      await waitFor(async () => paymentOf((await getCartOrder(getContainer(), cart.id))!).captured_at, { what: "the capture" })
      await harness.sim.idle()

      const rows = await settledInboxRows(getContainer(), paymentSession.id)
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((row) => row.deliveries === 2)).toBe(true)
      const { data: orders } = await getContainer().resolve("query").graph({
        entity: "order_cart",
        fields: ["order_id"],
        filters: { cart_id: cart.id },
      })
      expect(orders).toHaveLength(1)
      const order = await getCartOrder(getContainer(), cart.id)
      expect(paymentOf(order!).captures).toHaveLength(1)
      expect(harness.sim.effectiveCaptures(paymentIntentId)).toBe(1)
    })

    it("Bancontact through /hooks/payment/stripe-bancontact_stripe: redirect (requires_action), authorized -> captured order", async () => {
      harness.deliverTo(api.defaults.baseURL as string, "stripe-bancontact_stripe")
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe-bancontact_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      const redirecting = await harness.stripe.paymentIntents.confirm(paymentIntentId, {
        payment_method: "pm_bancontact",
        return_url: "http://localhost:8000/checkout/return",
      })
      expect(redirecting).toMatchObject({ status: "requires_action", next_action: { type: "redirect_to_url" } })
      await harness.sim.idle()
      expect(await getCartOrder(getContainer(), ready.cart.id)).toBeNull()

      await harness.sim.succeedPending(paymentIntentId)
      const order = await orderOf(ready.cart.id)
      const payment = await waitFor(async () => {
        const current = paymentOf((await getCartOrder(getContainer(), ready.cart.id))!)
        return current.captured_at ? current : null
      }, { what: "the captured payment" })

      expect(order.id).toBeDefined()
      expect(payment.provider_id).toBe("pp_stripe-bancontact_stripe")
      expect(Number(payment.amount)).toBe(Number(ready.cart.total))
      const rows = await settledInboxRows(getContainer(), ready.paymentSession.id)
      expect(rows.every((row) => row.provider_id === "pp_stripe-bancontact_stripe")).toBe(true)
    })

    it("Medusa's own @medusajs/payment-stripe provider works through our route, deduplicated by body hash", async () => {
      harness.sim.setEndpoints([])
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const event = buildStripeEvent("payment_intent.amount_capturable_updated", harness.sim.paymentIntent(paymentIntentId)!)
      const delivery = signedStripeDelivery(api, event, "stripe_medusa", MEDUSA_PROVIDER_SECRET)

      const first = await delivery.post()
      const second = await delivery.post()

      expect(first.status).toBe(200)
      expect(first.data.status).toBe("received")
      expect(second.data).toEqual({ id: first.data.id, status: "duplicate" })
      const row = await inbox().retrieveEvent(first.data.id as string)
      expect(row.event_key).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(row.provider_id).toBe("pp_stripe_medusa")
      expect(row.deliveries).toBe(2)
      const order = await orderOf(ready.cart.id)
      expect(paymentOf(order).provider_id).toBe("pp_stripe_stripe")
    })
  },
})
