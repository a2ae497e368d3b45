import { MedusaError } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import type { StripeBase } from "../base"
import { StripeBancontactService, StripeProviderService } from "../services"
import type { StripeWebhookResult } from "../webhook-event"
import { lastEvent, startHarness, WEBHOOK_SECRET, webhookRequest, type Harness } from "./harness"

let h: Harness & { stop: () => Promise<void> }
let provider: StripeBase
let counter = 0

beforeAll(async () => {
  h = await startHarness()
  provider = h.provider()
})
afterAll(() => h.stop())

/** What the provider makes of the event, as the webhook route would get it. */
async function describe_(event: Stripe.Event, secret = WEBHOOK_SECRET): Promise<StripeWebhookResult> {
  const result = (await provider.getWebhookActionAndData(webhookRequest(event, secret))) as StripeWebhookResult
  expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  return result
}

/** A session paid by card through the storefront; the intent is left authorized (manual capture). */
async function authorizedSession(amount = 10.5) {
  const sessionId = `payses_webhook_${++counter}`
  const { id } = await provider.initiatePayment({ amount, currency_code: "eur", data: { session_id: sessionId } })
  await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_visa" })
  return { sessionId, intentId: id }
}

async function capturedSession(amount = 10.5) {
  const session = await authorizedSession(amount)
  await provider.capturePayment({ data: { id: session.intentId } })
  return session
}

const facts = (event: Stripe.Event) => ({
  event_id: event.id,
  event_type: event.type,
  occurred_at: new Date(event.created * 1000).toISOString(),
})

describe("getWebhookActionAndData on simulator events", () => {
  it("payment_intent.amount_capturable_updated -> authorized with the session and capturable amount", async () => {
    const { sessionId, intentId } = await authorizedSession(10.5)
    const event = lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId)
    expect(await describe_(event)).toEqual({
      action: "authorized",
      data: {
        ...facts(event),
        session_id: sessionId,
        amount: 10.5,
        currency_code: "eur",
        payment_intent_id: intentId,
      },
    })
  })

  it("payment_intent.succeeded -> captured with the amount received", async () => {
    const { sessionId, intentId } = await authorizedSession(10.5)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 7.25 } })
    const result = await describe_(lastEvent(h.sim, "payment_intent.succeeded", intentId))
    expect(result).toMatchObject({ action: "captured", data: { session_id: sessionId, amount: 7.25 } })
  })

  it("payment_intent.created -> pending and requires_action -> requires_more", async () => {
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await provider.initiatePayment({ amount: 3, currency_code: "usd", data: { session_id: sessionId } })
    expect(await describe_(lastEvent(h.sim, "payment_intent.created", id))).toMatchObject({
      action: "pending",
      data: { session_id: sessionId, amount: 3, currency_code: "usd" },
    })
    await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_authenticationRequired" })
    expect((await describe_(lastEvent(h.sim, "payment_intent.requires_action", id))).action).toBe("requires_more")
  })

  it("payment_intent.payment_failed -> failed and payment_intent.canceled -> canceled", async () => {
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await provider.initiatePayment({ amount: 3, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_chargeDeclined" }).catch(() => undefined)
    expect(await describe_(lastEvent(h.sim, "payment_intent.payment_failed", id))).toMatchObject({
      action: "failed",
      data: { session_id: sessionId },
    })
    await provider.cancelPayment({ data: { id } })
    expect((await describe_(lastEvent(h.sim, "payment_intent.canceled", id))).action).toBe("canceled")
  })

  it("payment_intent.processing -> pending_authorization for an asynchronous method, then succeeded -> captured", async () => {
    const bancontact = h.provider(StripeBancontactService)
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await bancontact.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id)
    // Every Stripe event reaches one endpoint, the `stripe` provider's.
    expect(await describe_(lastEvent(h.sim, "payment_intent.processing", id))).toMatchObject({
      action: "pending_authorization",
      data: { session_id: sessionId, amount: 20 },
    })
    await h.sim.succeedPending(id)
    expect(await describe_(lastEvent(h.sim, "payment_intent.succeeded", id))).toMatchObject({
      action: "captured",
      data: { session_id: sessionId, amount: 20 },
    })
  })

  it("payment_intent.processing of a card stays pending", async () => {
    const { sessionId, intentId } = await authorizedSession()
    const intent = h.sim.paymentIntent(intentId) as Stripe.PaymentIntent
    const event = await h.sim.sendEvent("payment_intent.processing", { ...intent, status: "processing" })
    expect(await describe_(event)).toMatchObject({ action: "pending", data: { session_id: sessionId } })
  })

  it("asks Stripe for the payment method when an automatic-methods intent is processing", async () => {
    const sessionId = `payses_webhook_${++counter}`
    const automatic = h.provider(StripeProviderService, { automaticPaymentMethods: true })
    const { id } = await automatic.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id, { payment_method_data: { type: "ideal" } } as Stripe.PaymentIntentConfirmParams)
    const intent = lastEvent(h.sim, "payment_intent.processing", id).data.object as Stripe.PaymentIntent
    expect(intent.payment_method).toEqual(expect.stringMatching(/^pm_/))
    // As on Stripe, an intent with automatic payment methods lists every method the account offers.
    const event = await h.sim.sendEvent("payment_intent.processing", { ...intent, payment_method_types: ["card", "ideal"] })
    expect((await describe_(event)).action).toBe("pending_authorization")
  })

  it("charge.refunded -> refunded with every refund and which of them Medusa issued", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    await provider.refundPayment({ amount: 4, data: { id: intentId, currency: "eur", metadata: { session_id: sessionId } } })
    const dashboardRefund = await h.sim.refundFromDashboard(intentId, 150)
    const event = lastEvent(h.sim, "charge.refunded", intentId)
    const result = await describe_(event)
    expect(result.action).toBe("refunded")
    expect(result.data).toMatchObject({ ...facts(event), session_id: sessionId, currency_code: "eur", payment_intent_id: intentId })
    expect(result.data).toMatchObject({
      amount: 1.5,
      captured_amount: 10,
      refund: { id: dashboardRefund.id, amount: 1.5, status: "succeeded", medusa_initiated: false },
    })
    const refunds = (result.data as { refunds: unknown[] }).refunds
    expect(refunds).toHaveLength(2)
    expect(refunds).toEqual(
      expect.arrayContaining([
        { id: dashboardRefund.id, amount: 1.5, status: "succeeded", medusa_initiated: false },
        expect.objectContaining({ amount: 4, medusa_initiated: true }),
      ])
    )
  })

  it("charge.refunded without the refund list embedded lists the refunds through the API", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    await provider.refundPayment({ amount: 1, data: { id: intentId, currency: "eur", metadata: { session_id: sessionId } } })
    const original = lastEvent(h.sim, "charge.refunded", intentId)
    const { refunds: _embedded, ...charge } = original.data.object as Stripe.Charge
    const event = await h.sim.sendEvent("charge.refunded", charge)
    expect(await describe_(event)).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, refund: { amount: 1, medusa_initiated: true }, refunds: [{ amount: 1 }] },
    })
  })

  it("refund.created of a Dashboard refund -> refunded, session found through the PaymentIntent", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    const refund = await h.sim.refundFromDashboard(intentId, 300)
    expect(refund.metadata).toEqual({})
    const event = lastEvent(h.sim, "refund.created", intentId)
    expect(await describe_(event)).toEqual({
      action: "refunded",
      data: {
        ...facts(event),
        session_id: sessionId,
        amount: 3,
        captured_amount: 10,
        currency_code: "eur",
        payment_intent_id: intentId,
        refund: { id: refund.id, amount: 3, status: "succeeded", medusa_initiated: false },
        refunds: [{ id: refund.id, amount: 3, status: "succeeded", medusa_initiated: false }],
      },
    })
  })

  it("a refund of a partially captured charge reports what Stripe captured, not the intent amount", async () => {
    const { sessionId, intentId } = await authorizedSession(10)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 6 } })
    await h.sim.refundFromDashboard(intentId, 100)
    for (const type of ["refund.created", "charge.refunded"]) {
      expect(await describe_(lastEvent(h.sim, type, intentId))).toMatchObject({
        action: "refunded",
        data: { session_id: sessionId, amount: 1, captured_amount: 6 },
      })
    }
  })

  it("charge.refund.updated of Medusa's own refund says medusa_initiated", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    await provider.refundPayment({ amount: 2, data: { id: intentId, currency: "eur", metadata: { session_id: sessionId } } })
    expect(await describe_(lastEvent(h.sim, "charge.refund.updated", intentId))).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, refund: { amount: 2, medusa_initiated: true } },
    })
  })

  it("charge.dispute.created -> disputed, session found through the PaymentIntent", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    const dispute = await h.sim.openDispute(intentId, { reason: "fraudulent" })
    const event = lastEvent(h.sim, "charge.dispute.created", intentId)
    expect(await describe_(event)).toEqual({
      action: "disputed",
      data: {
        ...facts(event),
        session_id: sessionId,
        amount: 10,
        currency_code: "eur",
        payment_intent_id: intentId,
        dispute: { id: dispute.id, status: dispute.status, amount: 10, reason: "fraudulent" },
      },
    })
    await h.sim.updateDispute(dispute.id, "won")
    expect(await describe_(lastEvent(h.sim, "charge.dispute.closed", intentId))).toMatchObject({
      action: "disputed",
      data: { session_id: sessionId, dispute: { id: dispute.id, status: "won" } },
    })
  })

  it("an intent without metadata.session_id is not Medusa's -> not_supported, still identified", async () => {
    const intent = await h.storefront.paymentIntents.create({ amount: 500, currency: "eur", payment_method_types: ["card"] })
    const event = lastEvent(h.sim, "payment_intent.created", intent.id)
    expect(await describe_(event)).toEqual({
      action: "not_supported",
      data: { ...facts(event), session_id: null, amount: 5, currency_code: "eur", payment_intent_id: intent.id },
    })
  })

  it("a refund of a payment Medusa did not create -> not_supported", async () => {
    const intent = await h.storefront.paymentIntents.create({
      amount: 500,
      currency: "eur",
      payment_method_types: ["card"],
      payment_method: "pm_card_visa",
      confirm: true,
    })
    await h.sim.refundFromDashboard(intent.id)
    expect((await describe_(lastEvent(h.sim, "refund.created", intent.id))).action).toBe("not_supported")
  })

  it("event types outside the table -> not_supported with the event's identity", async () => {
    const { sessionId, intentId } = await authorizedSession()
    const event = lastEvent(h.sim, "charge.succeeded", intentId)
    expect(await describe_(event)).toMatchObject({
      action: "not_supported",
      data: { ...facts(event), session_id: sessionId, amount: 10.5, payment_intent_id: intentId },
    })
  })
})

describe("getWebhookActionAndData verification", () => {
  it("rejects an event signed with another secret as invalid_signature", async () => {
    const { intentId } = await authorizedSession()
    const request = webhookRequest(lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId), "whsec_other")
    const error = await provider.getWebhookActionAndData(request).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect((error as MedusaError).message).toMatch(/^invalid_signature: /)
  })

  it("accepts events signed with any of the rotated secrets", async () => {
    const rotating = h.provider(StripeProviderService, { webhookSecret: ["whsec_new", WEBHOOK_SECRET] })
    const { sessionId, intentId } = await authorizedSession()
    const event = lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId)
    for (const secret of ["whsec_new", WEBHOOK_SECRET]) {
      expect(await rotating.getWebhookActionAndData(webhookRequest(event, secret))).toMatchObject({
        action: "authorized",
        data: { session_id: sessionId },
      })
    }
  })

  it("rejects a replayed event older than webhookTolerance", async () => {
    const strict = h.provider(StripeProviderService, { webhookTolerance: 30 })
    const { intentId } = await authorizedSession()
    const event = lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId)
    const old = webhookRequest(event, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 60)
    await expect(strict.getWebhookActionAndData(old)).rejects.toThrow(/^invalid_signature: timestamp outside the tolerance of 30 seconds$/)
    await expect(provider.getWebhookActionAndData(old)).resolves.toMatchObject({ action: "authorized" })
  })

  it("rejects a request without the stripe-signature header", async () => {
    const { intentId } = await authorizedSession()
    const { headers, ...request } = webhookRequest(lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId))
    await expect(provider.getWebhookActionAndData({ ...request, headers: {} })).rejects.toThrow(
      /^invalid_signature: missing stripe-signature header$/
    )
    expect(headers["stripe-signature"]).toEqual(expect.any(String))
  })
})
