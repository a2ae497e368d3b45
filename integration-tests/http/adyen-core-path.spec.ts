import { capturePaymentWorkflow } from "@medusajs/core-flows"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import { EventCode, notificationRequestBody, signNotificationItem } from "../../src/testing/adyen-simulator"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { TEST_ADYEN_HMAC_KEY, useAdyenSimulator } from "../helpers/adyen-harness"
import { waitFor } from "../helpers/stripe-harness"
import { countCartOrders, createCartReadyForPayment, getCartOrder, seedForTests, type CartOrder } from "../helpers/store-flow"
import { settledInboxRows, type WebhookAnswer, type WebhookApi } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

const PROVIDER = "pp_adyen_adyen"
const FORGING_KEY = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"

const harness = useAdyenSimulator()
const notificationToOrderMs: number[] = []

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const paymentOf = (order: CartOrder) => order.payment_collections[0].payments![0]
    const orderOf = (cartId: string) =>
      waitFor(() => getCartOrder(getContainer(), cartId), { what: `the order of cart ${cartId}` })
    const adyenRows = async () =>
      (await inbox().listPaymentWebhookEvents({ provider_id: PROVIDER })) as PaymentWebhookEventDTO[]
    const post = (body: string) =>
      (api as WebhookApi).post<WebhookAnswer | string>("/hooks/payment/adyen_adyen", body, {
        headers: { "content-type": "application/json" },
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
      })

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    beforeEach(() => {
      harness.sim.setDelivery({ retryDelaysMs: [100, 300, 1000] })
      harness.deliverTo(api.defaults.baseURL as string)
    })

    afterEach(async () => {
      await harness.sim.idle()
    })

    afterAll(() => {
      const sorted = [...notificationToOrderMs].sort((a, b) => a - b)
      if (sorted.length) {
        console.info(`adyen notification -> order ms: ${sorted.join(", ")} (median ${sorted[Math.floor(sorted.length / 2)]})`)
      }
    })

    /** A cart at the payment step with an Adyen session; `adyenSessionId` is what Drop-in is mounted with. */
    async function checkout(currency: "eur" | "usd" | "jpy") {
      const ready = await createCartReadyForPayment(api, seed, { currency, providerId: PROVIDER })
      return { ...ready, adyenSessionId: (ready.paymentSession.data as { id: string }).id }
    }

    /** The shopper pays in Drop-in; the AUTHORISATION notification makes the order. */
    async function payAndWaitForOrder(currency: "eur" | "usd" | "jpy") {
      const ready = await checkout(currency)
      const startedAt = Date.now()
      const pspReference = harness.sim.pay(ready.adyenSessionId)
      const order = await orderOf(ready.cart.id)
      notificationToOrderMs.push(Date.now() - startedAt)
      return { ...ready, pspReference, order }
    }

    it("Drop-in payment: the AUTHORISATION notification makes the order with the authorized payment", async () => {
      const { cart, order, paymentSession, adyenSessionId, pspReference } = await payAndWaitForOrder("eur")

      expect(harness.sim.session(adyenSessionId)).toMatchObject({ reference: paymentSession.id, amount: { currency: "EUR" } })
      const payment = paymentOf(order)
      expect(payment.provider_id).toBe(PROVIDER)
      expect(Number(payment.amount)).toBe(Number(cart.total))
      expect(payment.captured_at).toBeFalsy()
      expect(payment.data).toMatchObject({ pspReference, resultCode: "Authorised" })
      const session = await getContainer().resolve<IPaymentModuleService>(Modules.PAYMENT).retrievePaymentSession(paymentSession.id)
      expect(session.status).toBe("authorized")
      const [row] = await settledInboxRows(getContainer(), paymentSession.id)
      expect(row).toMatchObject({
        status: "processed",
        action: "authorized",
        event_type: "AUTHORISATION",
        event_key: expect.stringContaining(`AUTHORISATION:${pspReference}:true`),
        deliveries: 1,
      })
    })

    it("JPY (zero-decimal): Adyen gets whole yen and the order's payment matches", async () => {
      const { cart, order, adyenSessionId } = await payAndWaitForOrder("jpy")

      expect(Number(cart.total)).toBe(4000)
      expect(harness.sim.session(adyenSessionId)!.amount).toEqual({ value: 4000, currency: "JPY" })
      expect(Number(paymentOf(order).amount)).toBe(4000)
    })

    it("a notification signed with another HMAC key -> 400 invalid_signature, nothing stored, no order", async () => {
      harness.sim.setEndpoints([])
      const ready = await checkout("eur")
      harness.sim.pay(ready.adyenSessionId)
      const item = harness.sim.notifications[harness.sim.notifications.length - 1]
      const before = (await adyenRows()).length

      const forged = await post(JSON.stringify(notificationRequestBody([signNotificationItem(item, FORGING_KEY)])))

      expect(forged.status).toBe(400)
      expect(forged.data).toMatchObject({ type: "invalid_signature", message: expect.stringContaining("notificationItems[0]") })
      expect(await adyenRows()).toHaveLength(before)
      expect(await countCartOrders(getContainer(), ready.cart.id)).toBe(0)

      // The genuine notification still goes through afterwards.
      const genuine = await post(JSON.stringify(notificationRequestBody([signNotificationItem(item, TEST_ADYEN_HMAC_KEY)])))
      expect(genuine.status).toBe(200)
      expect(genuine.data).toBe("[accepted]")
      expect(await adyenRows()).toHaveLength(before + 1)
      await orderOf(ready.cart.id)
    })

    it("a batch with one forged item is refused whole: 400, neither item stored", async () => {
      harness.sim.setEndpoints([])
      const first = await checkout("eur")
      const second = await checkout("usd")
      harness.sim.pay(first.adyenSessionId)
      harness.sim.pay(second.adyenSessionId)
      const [good, bad] = harness.sim.notifications.slice(-2)
      const before = (await adyenRows()).length

      const response = await post(
        JSON.stringify(
          notificationRequestBody([signNotificationItem(good, TEST_ADYEN_HMAC_KEY), signNotificationItem(bad, FORGING_KEY)])
        )
      )

      expect(response.status).toBe(400)
      expect(response.data).toMatchObject({ type: "invalid_signature", message: expect.stringContaining("notificationItems[1]") })
      expect(await adyenRows()).toHaveLength(before)
      expect(await countCartOrders(getContainer(), first.cart.id)).toBe(0)
    })

    it("the same notification delivered twice -> one row with deliveries 2, one order", async () => {
      harness.sim.setDelivery({ duplicate: true })
      const { cart, paymentSession } = await payAndWaitForOrder("usd")
      await harness.sim.idle()

      const rows = await settledInboxRows(getContainer(), paymentSession.id)
      expect(rows).toHaveLength(1)
      expect(rows[0].deliveries).toBe(2)
      expect(await countCartOrders(getContainer(), cart.id)).toBe(1)
    })

    it("capture from Medusa reaches Adyen once; a Customer Area refund is recorded once; a chargeback is recorded", async () => {
      const { cart, pspReference, order, paymentSession } = await payAndWaitForOrder("eur")
      const paymentId = paymentOf(order).id
      await capturePaymentWorkflow(getContainer()).run({ input: { payment_id: paymentId } })
      await harness.sim.idle()
      expect(harness.sim.payment(pspReference)!.captured).toBe(Number(cart.total) * 100)
      const captures = harness.sim.notifications.filter(
        (item) => item.eventCode === EventCode.Capture && item.originalReference === pspReference
      )
      expect(captures.map((item) => item.success)).toEqual(["true"])

      harness.sim.setDelivery({ duplicate: true })
      const refundPsp = harness.sim.refundFromCustomerArea(pspReference, 1000)
      await waitFor(
        async () => paymentOf((await getCartOrder(getContainer(), cart.id))!).refunds?.length,
        { what: "the refund to be recorded" }
      )
      await harness.sim.idle()
      const rows = await settledInboxRows(getContainer(), paymentSession.id)
      expect(rows.find((row) => row.event_type === "REFUND")).toMatchObject({ status: "processed", deliveries: 2 })
      const payment = paymentOf((await getCartOrder(getContainer(), cart.id))!)
      expect(payment.refunds).toHaveLength(1)
      expect(Number(payment.refunds![0].amount)).toBe(10)
      expect((payment.refunds![0] as { metadata?: Record<string, unknown> | null }).metadata).toMatchObject({ provider_refund_id: refundPsp })

      harness.sim.setDelivery({})
      harness.sim.dispute(pspReference, EventCode.Chargeback)
      const disputed = await waitFor(
        async () => {
          const current = await getContainer()
            .resolve<IPaymentModuleService>(Modules.PAYMENT)
            .retrievePayment(paymentId, { select: ["id", "metadata"] })
          const metadata = (current as { metadata?: Record<string, unknown> | null }).metadata
          return (metadata?.disputes as Record<string, { status: string }> | undefined)?.[`dispute:${pspReference}`]
        },
        { what: "the chargeback to be recorded" }
      )
      expect(disputed).toMatchObject({ status: "needs_response", amount: Number(cart.total), reason: "Fraudulent transaction" })
    })

    it("a batch of two items for two carts -> two inbox rows, two orders", async () => {
      const first = await checkout("eur")
      const second = await checkout("usd")
      harness.sim.setDelivery({ batch: true })
      harness.sim.holdNotifications()
      harness.sim.pay(first.adyenSessionId)
      harness.sim.pay(second.adyenSessionId)
      harness.sim.releaseNotifications()

      await orderOf(first.cart.id)
      await orderOf(second.cart.id)
      await harness.sim.idle()
      expect(harness.sim.deliveries.filter((delivery) => delivery.eventIds.length === 2)).toHaveLength(1)
      for (const { paymentSession } of [first, second]) {
        const rows = await settledInboxRows(getContainer(), paymentSession.id)
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ status: "processed", action: "authorized" })
      }
    })

    it("the same batch delivered twice adds nothing the second time", async () => {
      const first = await checkout("eur")
      const second = await checkout("jpy")
      harness.sim.setDelivery({ batch: true, duplicate: true })
      harness.sim.holdNotifications()
      harness.sim.pay(first.adyenSessionId)
      harness.sim.pay(second.adyenSessionId)
      harness.sim.releaseNotifications()
      await orderOf(first.cart.id)
      await orderOf(second.cart.id)
      await harness.sim.idle()

      for (const { cart, paymentSession } of [first, second]) {
        const rows = await settledInboxRows(getContainer(), paymentSession.id)
        expect(rows.map((row) => row.deliveries)).toEqual([2])
        expect(await countCartOrders(getContainer(), cart.id)).toBe(1)
      }
    })
  },
})
