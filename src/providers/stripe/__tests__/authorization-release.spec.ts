import type Stripe from "stripe"
import type { ResolvableWebhookEvent } from "../../webhook-contract"
import type { StripeBase } from "../base"
import type { StripeWebhookResult } from "../webhook-event"
import { lastEvent, startHarness, webhookRequest, type Harness } from "./harness"

/**
 * A canceled authorization, or the rest of a partial capture, comes back as `charge.refunded` with a Refund
 * (API versions before 2025-03-31.basil). Money that was never captured is released, not refunded: the
 * provider reports it as `released_amount`, never among `refunds`.
 */
let h: Harness & { stop: () => Promise<void> }
let provider: StripeBase
let counter = 0

beforeAll(async () => {
  h = await startHarness()
  provider = h.provider()
})
afterAll(async () => {
  await h.stop()
})

async function authorizedSession(amount = 10) {
  const sessionId = `payses_release_${++counter}`
  const { id } = await provider.initiatePayment({ amount, currency_code: "eur", data: { session_id: sessionId } })
  await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_visa" })
  return { sessionId, intentId: id }
}

const acknowledge = async (event: Stripe.Event) =>
  (await provider.getWebhookActionAndData(webhookRequest(event))) as StripeWebhookResult

const resolve = async (event: Stripe.Event, acknowledged: StripeWebhookResult): Promise<ResolvableWebhookEvent> =>
  provider.resolveWebhookEvent({ ...acknowledged, payload: webhookRequest(event).data })

describe("charge.refunded of a released authorization", () => {
  it("cancel of an authorized payment: released_amount, no refunds, complete without asking Stripe", async () => {
    const { sessionId, intentId } = await authorizedSession(10)
    await provider.cancelPayment({ data: { id: intentId } })
    const result = await acknowledge(lastEvent(h.sim, "charge.refunded", intentId))

    expect(result).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, amount: 10, captured_amount: 0, released_amount: 10, refunds: [] },
    })
    expect(result.data).not.toHaveProperty("refund")
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("cancel, with the refunds not embedded: still no refunds and nothing to look up", async () => {
    const { intentId } = await authorizedSession(10)
    await provider.cancelPayment({ data: { id: intentId } })
    const { refunds: _embedded, ...charge } = lastEvent(h.sim, "charge.refunded", intentId).data.object as Stripe.Charge
    const result = await acknowledge(await h.sim.sendEvent("charge.refunded", charge))

    expect(result.data).toMatchObject({ released_amount: 10, refunds: [] })
    expect(result.data).not.toHaveProperty("needs_resolution")
  })

  it("partial capture: the release is left out, and a later refund of the captured part is reported alone", async () => {
    const { sessionId, intentId } = await authorizedSession(10)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 7 } })
    const released = await acknowledge(lastEvent(h.sim, "charge.refunded", intentId))
    expect(released).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, amount: 3, captured_amount: 7, released_amount: 3, refunds: [] },
    })

    const refund = await h.sim.refundFromDashboard(intentId, 200)
    const event = lastEvent(h.sim, "charge.refunded", intentId)
    const reported = { id: refund.id, amount: 2, status: "succeeded", medusa_refund_id: null }
    expect(await acknowledge(event)).toMatchObject({
      action: "refunded",
      data: { amount: 2, captured_amount: 7, released_amount: 3, refund: reported, refunds: [reported] },
    })

    const { refunds: _embedded, ...charge } = event.data.object as Stripe.Charge
    const unembedded = await h.sim.sendEvent("charge.refunded", charge)
    const resolved = await resolve(unembedded, await acknowledge(unembedded))
    expect(resolved.data).toMatchObject({ released_amount: 3, refunds: [reported] })
  })

  it("an event of API version 2025-03-31.basil or later lists no release: its oldest refund is a refund", async () => {
    const { intentId } = await authorizedSession(10)
    await provider.capturePayment({ data: { id: intentId, currency: "eur", amount_to_capture: 7 } })
    const event = { ...lastEvent(h.sim, "charge.refunded", intentId), api_version: "2025-03-31.basil" }
    const result = await acknowledge(event)

    expect(result.data).not.toHaveProperty("released_amount")
    expect(result.data).toMatchObject({ refunds: [{ amount: 3 }] })
  })
})

describe("refund events of a released authorization", () => {
  it("a refund of a canceled payment is resolved through its PaymentIntent as released, not refunded", async () => {
    const { sessionId, intentId } = await authorizedSession(10)
    await provider.cancelPayment({ data: { id: intentId } })
    const charge = lastEvent(h.sim, "charge.refunded", intentId).data.object as Stripe.Charge
    const release = charge.refunds!.data[0]
    const event = await h.sim.sendEvent("charge.refund.updated", release)

    const acknowledged = await acknowledge(event)
    expect(acknowledged).toMatchObject({ action: "refunded", data: { needs_resolution: true } })
    const resolved = await resolve(event, acknowledged)
    expect(resolved).toMatchObject({
      action: "refunded",
      data: { session_id: sessionId, released_amount: 10, refunds: [], captured_amount: 0 },
    })
    expect(resolved.data).not.toHaveProperty("refund")

    const expanded = await h.sim.sendEvent("charge.refund.updated", { ...release, charge, metadata: { session_id: sessionId } })
    expect((await acknowledge(expanded)).data).toMatchObject({ released_amount: 10, refunds: [] })
  })
})
