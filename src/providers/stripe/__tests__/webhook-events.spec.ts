import { MedusaError } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import type { ResolvableWebhookEvent } from "../../webhook-contract"
import type { StripeBase } from "../base"
import { StripeBancontactService, StripeProviderService } from "../services"
import type { StripeWebhookData, StripeWebhookResult } from "../webhook-event"
import { lastEvent, startHarness, startTripwire, WEBHOOK_SECRET, webhookRequest, type Harness, type Tripwire } from "./harness"

let h: Harness & { stop: () => Promise<void> }
let tripwire: Tripwire
/** Makes payments and resolves events against the simulator. */
let provider: StripeBase
/** Acknowledges webhooks as the route does, with its API pointed at the tripwire: any request shows. */
let acknowledger: StripeBase
let counter = 0

beforeAll(async () => {
  h = await startHarness()
  tripwire = await startTripwire()
  provider = h.provider()
  acknowledger = h.provider(StripeProviderService, tripwire.apiOptions)
})
afterAll(async () => {
  await tripwire.stop()
  await h.stop()
})

/** What the provider makes of the event as the webhook route gets it: asserted to make no request to Stripe. */
async function acknowledge(event: Stripe.Event, secret = WEBHOOK_SECRET): Promise<StripeWebhookResult> {
  const result = (await acknowledger.getWebhookActionAndData(webhookRequest(event, secret))) as StripeWebhookResult
  expect(tripwire.requests).toEqual([])
  expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  return result
}

/** What processing makes of an acknowledged event: `resolveWebhookEvent` with the body as the inbox stores it. */
async function resolve(event: Stripe.Event, acknowledged: StripeWebhookResult): Promise<ResolvableWebhookEvent> {
  const resolved = await provider.resolveWebhookEvent({ ...acknowledged, payload: webhookRequest(event).data })
  expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved)
  return resolved
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

/** Refunds through the provider as Medusa does: its refund's id is the idempotency key. */
async function medusaRefund(session: { sessionId: string; intentId: string }, amount: number) {
  const medusaRefundId = `ref_medusa_${++counter}`
  await provider.refundPayment({
    amount,
    data: { id: session.intentId, currency: "eur", metadata: { session_id: session.sessionId } },
    context: { idempotency_key: medusaRefundId },
  })
  return medusaRefundId
}

const facts = (event: Stripe.Event) => ({
  event_id: event.id,
  event_type: event.type,
  occurred_at: new Date(event.created * 1000).toISOString(),
})

describe("payment_intent events: complete from the event", () => {
  it("amount_capturable_updated -> authorized with the session and capturable amount", async () => {
    const { sessionId, intentId } = await authorizedSession(10.5)
    const event = lastEvent(h.sim, "payment_intent.amount_capturable_updated", intentId)
    expect(await acknowledge(event)).toEqual({
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

  it("succeeded -> captured with the amount received", async () => {
    const { sessionId, intentId } = await authorizedSession(10.5)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 7.25 } })
    const result = await acknowledge(lastEvent(h.sim, "payment_intent.succeeded", intentId))
    expect(result).toMatchObject({ action: "captured", data: { session_id: sessionId, amount: 7.25 } })
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("created -> pending and requires_action -> requires_more", async () => {
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await provider.initiatePayment({ amount: 3, currency_code: "usd", data: { session_id: sessionId } })
    expect(await acknowledge(lastEvent(h.sim, "payment_intent.created", id))).toMatchObject({
      action: "pending",
      data: { session_id: sessionId, amount: 3, currency_code: "usd" },
    })
    await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_authenticationRequired" })
    expect((await acknowledge(lastEvent(h.sim, "payment_intent.requires_action", id))).action).toBe("requires_more")
  })

  it("payment_failed -> failed and canceled -> canceled", async () => {
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await provider.initiatePayment({ amount: 3, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_chargeDeclined" }).catch(() => undefined)
    expect(await acknowledge(lastEvent(h.sim, "payment_intent.payment_failed", id))).toMatchObject({
      action: "failed",
      data: { session_id: sessionId },
    })
    await provider.cancelPayment({ data: { id } })
    expect((await acknowledge(lastEvent(h.sim, "payment_intent.canceled", id))).action).toBe("canceled")
  })

  it("processing of an intent with one asynchronous type -> pending_authorization, then succeeded -> captured", async () => {
    const bancontact = h.provider(StripeBancontactService)
    const sessionId = `payses_webhook_${++counter}`
    const { id } = await bancontact.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id, { return_url: "https://shop.test/return" })
    // Every Stripe event reaches one endpoint, the `stripe` provider's.
    const redirecting = await acknowledge(lastEvent(h.sim, "payment_intent.requires_action", id))
    expect(redirecting).toMatchObject({ action: "requires_more", data: { session_id: sessionId, amount: 20 } })
    // A bank may hold the payment after the redirect; Stripe then reports it processing.
    const intent = h.sim.paymentIntent(id) as Stripe.PaymentIntent
    const processing = await acknowledge(await h.sim.sendEvent("payment_intent.processing", { ...intent, status: "processing" }))
    expect(processing).toMatchObject({ action: "pending_authorization", data: { session_id: sessionId, amount: 20 } })
    expect(processing.data).not.toHaveProperty("needs_resolution")
    await h.sim.succeedPending(id)
    expect(await acknowledge(lastEvent(h.sim, "payment_intent.succeeded", id))).toMatchObject({
      action: "captured",
      data: { session_id: sessionId, amount: 20 },
    })
  })

  it("processing of a card intent stays pending", async () => {
    const { sessionId, intentId } = await authorizedSession()
    const intent = h.sim.paymentIntent(intentId) as Stripe.PaymentIntent
    const event = await h.sim.sendEvent("payment_intent.processing", { ...intent, status: "processing" })
    const result = await acknowledge(event)
    expect(result).toMatchObject({ action: "pending", data: { session_id: sessionId } })
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("processing with several types and an expanded payment method reads the method's type from the event", async () => {
    const { sessionId, intentId } = await authorizedSession()
    const intent = h.sim.paymentIntent(intentId) as Stripe.PaymentIntent
    const event = await h.sim.sendEvent("payment_intent.processing", {
      ...intent,
      status: "processing",
      payment_method_types: ["card", "ideal"],
      payment_method: { id: "pm_expanded", object: "payment_method", type: "ideal" },
    })
    const result = await acknowledge(event)
    expect(result).toMatchObject({ action: "pending_authorization", data: { session_id: sessionId } })
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("an intent without metadata.session_id is not Medusa's -> not_supported, still identified", async () => {
    const intent = await h.storefront.paymentIntents.create({ amount: 500, currency: "eur", payment_method_types: ["card"] })
    const event = lastEvent(h.sim, "payment_intent.created", intent.id)
    expect(await acknowledge(event)).toEqual({
      action: "not_supported",
      data: { ...facts(event), session_id: null, amount: 5, currency_code: "eur", payment_intent_id: intent.id },
    })
  })

  it("event types outside the table -> not_supported with the event's identity", async () => {
    const { sessionId, intentId } = await authorizedSession()
    const event = lastEvent(h.sim, "charge.succeeded", intentId)
    expect(await acknowledge(event)).toEqual({
      action: "not_supported",
      data: { ...facts(event), session_id: sessionId, amount: 10.5, currency_code: "eur", payment_intent_id: intentId },
    })
  })
})

describe("payment_intent.processing whose payment method only Stripe knows", () => {
  /** An automatic-methods intent, processing with a payment method of `type` attached by id. */
  async function processingEvent(type: string) {
    const sessionId = `payses_webhook_${++counter}`
    const automatic = h.provider(StripeProviderService, { automaticPaymentMethods: true, capture: true })
    const { id } = await automatic.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: sessionId } })
    await h.storefront.paymentIntents.confirm(id, {
      payment_method_data: { type },
      return_url: "https://shop.test/return",
    } as Stripe.PaymentIntentConfirmParams)
    const intent = h.sim.paymentIntent(id) as Stripe.PaymentIntent
    expect(intent.payment_method).toEqual(expect.stringMatching(/^pm_/))
    // As on Stripe, an intent with automatic payment methods lists every method the account offers.
    const event = await h.sim.sendEvent("payment_intent.processing", {
      ...intent,
      status: "processing",
      payment_method_types: ["card", "ideal"],
    })
    return { sessionId, intentId: id, event }
  }

  it("is acknowledged as tentatively pending, and resolved to pending_authorization for an asynchronous method", async () => {
    const { sessionId, intentId, event } = await processingEvent("ideal")
    const acknowledged = await acknowledge(event)
    const known = { ...facts(event), session_id: sessionId, amount: 20, currency_code: "eur", payment_intent_id: intentId }
    expect(acknowledged).toEqual({ action: "pending", data: { ...known, needs_resolution: true } })
    expect(await resolve(event, acknowledged)).toEqual({ action: "pending_authorization", data: known })
  })

  it("is resolved to pending for a card", async () => {
    const { event } = await processingEvent("card")
    const acknowledged = await acknowledge(event)
    expect(acknowledged.data).toMatchObject({ needs_resolution: true })
    const resolved = await resolve(event, acknowledged)
    expect(resolved.action).toBe("pending")
    expect(resolved.data).not.toHaveProperty("needs_resolution")
  })
})

describe("charge.refunded", () => {
  it("with the session on the charge and every refund embedded: complete, matching Medusa's refund by its id", async () => {
    const session = await capturedSession(10)
    const medusaRefundId = await medusaRefund(session, 4)
    const dashboardRefund = await h.sim.refundFromDashboard(session.intentId, 150)
    const event = lastEvent(h.sim, "charge.refunded", session.intentId)
    const result = await acknowledge(event)
    expect(result.action).toBe("refunded")
    expect(result.data).not.toHaveProperty("needs_resolution")
    expect(result.data).toMatchObject({
      ...facts(event),
      session_id: session.sessionId,
      currency_code: "eur",
      payment_intent_id: session.intentId,
      amount: 1.5,
      captured_amount: 10,
      refund: { id: dashboardRefund.id, amount: 1.5, status: "succeeded", medusa_refund_id: null },
    })
    const refunds = (result.data as { refunds: unknown[] }).refunds
    expect(refunds).toHaveLength(2)
    expect(refunds).toEqual(
      expect.arrayContaining([
        { id: dashboardRefund.id, amount: 1.5, status: "succeeded", medusa_refund_id: null },
        { id: expect.stringMatching(/^re_/), amount: 4, status: "succeeded", medusa_refund_id: medusaRefundId },
      ])
    )
  })

  it("without the refunds embedded: acknowledged with what the charge says, resolved by listing the refunds", async () => {
    const session = await capturedSession(10)
    const medusaRefundId = await medusaRefund(session, 1)
    const { refunds: _embedded, ...charge } = lastEvent(h.sim, "charge.refunded", session.intentId).data.object as Stripe.Charge
    const event = await h.sim.sendEvent("charge.refunded", charge)
    const known = {
      ...facts(event),
      session_id: session.sessionId,
      currency_code: "eur",
      payment_intent_id: session.intentId,
      captured_amount: 10,
    }
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toEqual({ action: "refunded", data: { ...known, amount: null, needs_resolution: true } })
    const refund = { id: expect.stringMatching(/^re_/), amount: 1, status: "succeeded", medusa_refund_id: medusaRefundId }
    expect(await resolve(event, acknowledged)).toEqual({
      action: "refunded",
      data: { ...known, amount: 1, refund, refunds: [refund] },
    })
  })

  it("of a charge without the session tag: resolved through the PaymentIntent", async () => {
    const session = await capturedSession(10)
    await h.sim.refundFromDashboard(session.intentId, 200)
    const original = lastEvent(h.sim, "charge.refunded", session.intentId).data.object as Stripe.Charge
    const event = await h.sim.sendEvent("charge.refunded", { ...original, metadata: {} })
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toMatchObject({
      action: "refunded",
      data: { session_id: null, amount: 2, captured_amount: 10, refunds: [{ amount: 2 }], needs_resolution: true },
    })
    const { needs_resolution: _pending, ...known } = acknowledged.data as StripeWebhookData
    const resolved = await resolve(event, acknowledged)
    expect(resolved).toEqual({ action: "refunded", data: { ...known, session_id: session.sessionId } })
    expect(resolved.data).not.toHaveProperty("needs_resolution")
  })
})

describe("refund events", () => {
  it("refund.created of a Dashboard refund: acknowledged without session, resolved through the PaymentIntent", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    const refund = await h.sim.refundFromDashboard(intentId, 300)
    expect(refund.metadata).toEqual({})
    const event = lastEvent(h.sim, "refund.created", intentId)
    const reported = { id: refund.id, amount: 3, status: "succeeded", medusa_refund_id: null }
    const known = {
      ...facts(event),
      amount: 3,
      currency_code: "eur",
      payment_intent_id: intentId,
      refund: reported,
      refunds: [reported],
    }
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toEqual({ action: "refunded", data: { ...known, session_id: null, needs_resolution: true } })
    expect(await resolve(event, acknowledged)).toEqual({
      action: "refunded",
      data: { ...known, session_id: sessionId, captured_amount: 10 },
    })
  })

  it("refund.updated of Medusa's refund: session and Medusa's refund id from the event, captured amount resolved", async () => {
    const session = await capturedSession(10)
    const medusaRefundId = await medusaRefund(session, 2)
    const event = lastEvent(h.sim, "refund.updated", session.intentId)
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toMatchObject({
      action: "refunded",
      data: { session_id: session.sessionId, refund: { amount: 2, medusa_refund_id: medusaRefundId }, needs_resolution: true },
    })
    expect(acknowledged.data).not.toHaveProperty("captured_amount")
    expect(await resolve(event, acknowledged)).toMatchObject({
      action: "refunded",
      data: { session_id: session.sessionId, captured_amount: 10, refund: { amount: 2, medusa_refund_id: medusaRefundId } },
    })
  })

  it("a refund whose charge is expanded in the event and tagged with the session is complete", async () => {
    const session = await capturedSession(10)
    await medusaRefund(session, 2)
    const refund = lastEvent(h.sim, "refund.created", session.intentId).data.object as Stripe.Refund
    const charge = lastEvent(h.sim, "charge.refunded", session.intentId).data.object as Stripe.Charge
    const event = await h.sim.sendEvent("refund.updated", { ...refund, charge })
    const result = await acknowledge(event)
    expect(result).toMatchObject({ action: "refunded", data: { session_id: session.sessionId, amount: 2, captured_amount: 10 } })
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("a refund of a partially captured charge reports what Stripe captured, not the intent amount", async () => {
    const { sessionId, intentId } = await authorizedSession(10)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 6 } })
    await h.sim.refundFromDashboard(intentId, 100)
    const chargeRefunded = await acknowledge(lastEvent(h.sim, "charge.refunded", intentId))
    expect(chargeRefunded).toMatchObject({ action: "refunded", data: { session_id: sessionId, amount: 1, captured_amount: 6 } })
    const event = lastEvent(h.sim, "refund.created", intentId)
    expect(await resolve(event, await acknowledge(event))).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, amount: 1, captured_amount: 6 },
    })
  })

  it("a refund of a payment Medusa did not create: acknowledged for resolution, resolved as not Medusa's", async () => {
    const intent = await h.storefront.paymentIntents.create({
      amount: 500,
      currency: "eur",
      payment_method_types: ["card"],
      payment_method: "pm_card_visa",
      confirm: true,
    })
    await h.sim.refundFromDashboard(intent.id)
    const event = lastEvent(h.sim, "refund.created", intent.id)
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toMatchObject({ action: "refunded", data: { session_id: null, needs_resolution: true } })
    expect(await resolve(event, acknowledged)).toEqual({
      action: "not_supported",
      data: { ...facts(event), session_id: null, amount: 5, currency_code: "eur", payment_intent_id: intent.id },
    })
  })
})

describe("dispute events", () => {
  it("charge.dispute.created and .closed: acknowledged with the dispute, session resolved through the PaymentIntent", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    const dispute = await h.sim.openDispute(intentId, { reason: "fraudulent" })
    const event = lastEvent(h.sim, "charge.dispute.created", intentId)
    const known = {
      ...facts(event),
      amount: 10,
      currency_code: "eur",
      payment_intent_id: intentId,
      dispute: { id: dispute.id, status: dispute.status, amount: 10, reason: "fraudulent" },
    }
    const acknowledged = await acknowledge(event)
    expect(acknowledged).toEqual({ action: "disputed", data: { ...known, session_id: null, needs_resolution: true } })
    expect(await resolve(event, acknowledged)).toEqual({ action: "disputed", data: { ...known, session_id: sessionId } })

    await h.sim.updateDispute(dispute.id, "won")
    const closed = lastEvent(h.sim, "charge.dispute.closed", intentId)
    expect(await resolve(closed, await acknowledge(closed))).toMatchObject({
      action: "disputed",
      data: { session_id: sessionId, dispute: { id: dispute.id, status: "won" } },
    })
  })
})

describe("resolveWebhookEvent failures", () => {
  it("throws a MedusaError when Stripe fails, so processing retries; the retry resolves", async () => {
    const { sessionId, intentId } = await capturedSession(10)
    await h.sim.refundFromDashboard(intentId, 100)
    const event = lastEvent(h.sim, "refund.created", intentId)
    const acknowledged = await acknowledge(event)
    h.sim.failNext({ method: "GET", path: `/v1/payment_intents/${intentId}` }, 1, "error")
    const error = await resolve(event, acknowledged).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MedusaError)
    expect(error).toMatchObject({ type: MedusaError.Types.UNEXPECTED_STATE, message: expect.stringMatching(/^stripe provider: resolveWebhookEvent failed/) })
    expect(h.sim.pendingFailures()).toBe(0)
    expect((await resolve(event, acknowledged)).data.session_id).toBe(sessionId)
  })

  it("refuses a payload that is not a Stripe event", async () => {
    const { intentId } = await capturedSession(10)
    const acknowledged = await acknowledge(lastEvent(h.sim, "payment_intent.succeeded", intentId))
    await expect(provider.resolveWebhookEvent({ ...acknowledged, payload: { id: "evt_1" } })).rejects.toMatchObject({
      type: MedusaError.Types.INVALID_DATA,
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
