import { MedusaError } from "@medusajs/framework/utils"
import {
  ADYEN_SIMULATOR_DEFAULTS,
  AdyenSimulator,
  EventCode,
  notificationRequestBody,
  signNotificationItem,
  startAdyenSimulator,
} from "../../../testing/adyen-simulator"
import { VERIFIED_WEBHOOK_EVENT_KEY, verifiedWebhookContext } from "../../verified-webhook-event"
import { AdyenProviderService, type AdyenPaymentData } from "../service"

const { apiKey, merchantAccount, hmacKey } = ADYEN_SIMULATOR_DEFAULTS

describe("Adyen provider against the simulator", () => {
  let sim: AdyenSimulator
  let provider: AdyenProviderService

  beforeAll(async () => {
    sim = await startAdyenSimulator({ apiKey })
    provider = new AdyenProviderService({}, {
      apiKey,
      merchantAccount,
      hmacKey,
      returnUrl: "https://shop.example/checkout",
      checkoutEndpoint: sim.checkoutEndpoint,
    })
  })

  afterAll(async () => {
    await sim.stop()
  })

  /** The verified event of the simulator's last notification, as webhook processing passes it. */
  async function lastEventContext() {
    const item = signNotificationItem(sim.notifications[sim.notifications.length - 1], hmacKey)
    const rawData = Buffer.from(JSON.stringify(notificationRequestBody([item])))
    return verifiedWebhookContext(await provider.getWebhookActionAndData({ data: {}, rawData, headers: {} }))
  }

  async function initiate(amount: number, currency: string, sessionId = `payses_${Math.random().toString(36).slice(2)}`) {
    const { data } = await provider.initiatePayment({ amount, currency_code: currency, data: { session_id: sessionId } })
    return data as AdyenPaymentData
  }

  it("creates a Checkout session with the Medusa session as reference, amounts in minor units", async () => {
    const data = await initiate(12.5, "eur", "payses_ref")
    const session = sim.session(data.id)!
    expect(session.reference).toBe("payses_ref")
    expect(session.amount).toEqual({ value: 1250, currency: "EUR" })
    expect(session.additionalData).toEqual({ manualCapture: "true" })
    expect(data).toMatchObject({ session_id: "payses_ref", capture: "manual", sessionData: expect.any(String) })
    expect((await initiate(4000, "jpy")).amount).toEqual({ value: 4000, currency: "JPY" })
    expect((await initiate(1.234, "kwd")).amount).toEqual({ value: 1234, currency: "KWD" })
  })

  it("is pending until the AUTHORISATION notification, then authorized from it; capture and refund reach Adyen", async () => {
    const data = await initiate(20, "eur")
    expect((await provider.authorizePayment({ data })).status).toBe("pending")
    const pspReference = sim.pay(data.id)

    const authorized = await provider.authorizePayment({ data, context: await lastEventContext() })
    expect(authorized.status).toBe("authorized")
    expect(authorized.data).toMatchObject({ pspReference, resultCode: "Authorised" })

    const captured = await provider.capturePayment({ data: authorized.data, context: { idempotency_key: "capt_1" } })
    expect(sim.payment(pspReference)!.captured).toBe(2000)
    expect((captured.data as AdyenPaymentData).captures).toHaveLength(1)

    const refunded = await provider.refundPayment({ amount: 5, data: captured.data, context: { idempotency_key: "ref_1" } })
    expect(sim.payment(pspReference)!.refunded).toBe(500)
    const refundItem = sim.notifications[sim.notifications.length - 1]
    expect(refundItem).toMatchObject({ eventCode: "REFUND", merchantReference: `${data.session_id}/ref_1` })
    expect(refunded.data?.medusa_refunds).toEqual({ ref_1: refundItem.pspReference })
  })

  it("refuses an AUTHORISATION for another amount or session", async () => {
    const data = await initiate(20, "eur")
    const other = await initiate(30, "eur")
    sim.pay(other.id)
    await expect(provider.authorizePayment({ data, context: await lastEventContext() })).rejects.toThrow(
      /not about session/
    )
  })

  it("a refused payment's notification does not authorize", async () => {
    const data = await initiate(20, "eur")
    sim.pay(data.id, "refused")
    const context = await lastEventContext()
    expect((context as Record<string, { action: string }>)[VERIFIED_WEBHOOK_EVENT_KEY].action).toBe("failed")
    expect((await provider.authorizePayment({ data, context })).status).toBe("pending")
  })

  it("cancels an authorisation; a session never paid has nothing to cancel", async () => {
    const unpaid = await initiate(20, "eur")
    expect((await provider.cancelPayment({ data: unpaid })).data).toEqual(unpaid)
    const data = await initiate(20, "eur")
    const pspReference = sim.pay(data.id)
    const { data: authorized } = await provider.authorizePayment({ data, context: await lastEventContext() })
    const canceled = await provider.cancelPayment({ data: authorized })
    expect(sim.payment(pspReference)!.canceled).toBe(true)
    expect((await provider.getPaymentStatus({ data: canceled.data })).status).toBe("canceled")
  })

  it("Adyen outages are UNEXPECTED_STATE (retryable), bad keys too; not the caller's input", async () => {
    sim.failNext(/\/sessions$/, 1)
    await expect(initiate(20, "eur")).rejects.toMatchObject({ type: MedusaError.Types.UNEXPECTED_STATE })
    const wrongKey = new AdyenProviderService({}, {
      apiKey: "wrong",
      merchantAccount,
      hmacKey,
      returnUrl: "https://shop.example/checkout",
      checkoutEndpoint: sim.checkoutEndpoint,
    })
    const failure = wrongKey.initiatePayment({ amount: 1, currency_code: "eur", data: { session_id: "payses_x" } })
    await expect(failure).rejects.toMatchObject({ type: MedusaError.Types.UNEXPECTED_STATE })
    await expect(failure).rejects.toThrow(/status 401/)
  })

  it("an authorised payment's notification with automatic capture is captured", async () => {
    const auto = new AdyenProviderService({}, {
      apiKey,
      merchantAccount,
      hmacKey,
      capture: true,
      returnUrl: "https://shop.example/checkout",
      checkoutEndpoint: sim.checkoutEndpoint,
    })
    const { data } = await auto.initiatePayment({ amount: 10, currency_code: "usd", data: { session_id: "payses_auto" } })
    const session = sim.session((data as AdyenPaymentData).id)!
    expect(session.additionalData).toBeUndefined()
    const pspReference = sim.pay(session.id)
    const item = signNotificationItem(sim.notifications[sim.notifications.length - 1], hmacKey)
    const event = await auto.getWebhookActionAndData({
      data: {},
      rawData: Buffer.from(JSON.stringify(notificationRequestBody([item]))),
      headers: {},
    })
    expect(event.action).toBe("captured")
    const result = await auto.authorizePayment({ data, context: verifiedWebhookContext(event) })
    expect(result.status).toBe("captured")
    expect(sim.payment(pspReference)!.captured).toBe(1000)
    expect(EventCode.Authorisation).toBe("AUTHORISATION")
    // Before a cart completion, processing asks for the capture to be recorded later: authorized now, and
    // the capture afterwards only confirms what Adyen already captured.
    const later = await auto.authorizePayment({ data, context: verifiedWebhookContext(event, { recordCaptureLater: true }) })
    expect(later.status).toBe("authorized")
    const confirmed = await auto.capturePayment({ data: later.data, context: { idempotency_key: "capt_auto" } })
    expect((confirmed.data as AdyenPaymentData).pspReference).toBe(pspReference)
    expect(sim.payment(pspReference)!.captured).toBe(1000)
  })
})
