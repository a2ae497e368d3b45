import type Stripe from "stripe"
import { eventTypes, type Harness, startHarness } from "./helpers"

/**
 * Canceling an authorized payment, or capturing part of it, gives the rest of the authorization back. Before
 * API version 2025-03-31.basil (the simulator's is 2025-02-24.acacia) Stripe records that as a Refund on the
 * charge and sends `charge.refunded`.
 */
describe("Stripe simulator: released authorizations", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  const authorize = () =>
    harness.stripe.paymentIntents.create({
      amount: 5000,
      currency: "eur",
      capture_method: "manual",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      metadata: { session_id: "payses_release" },
      confirm: true,
    })

  const chargeRefundedEvents = (paymentIntentId: string): Stripe.Charge[] =>
    harness.simulator.events
      .filter((event) => event.type === "charge.refunded")
      .map((event) => event.data.object as Stripe.Charge)
      .filter((charge) => charge.payment_intent === paymentIntentId)

  it("cancel of an authorized payment: payment_intent.canceled, then charge.refunded with a refund of the whole uncaptured amount", async () => {
    const intent = await authorize()
    await harness.stripe.paymentIntents.cancel(intent.id, { cancellation_reason: "requested_by_customer" })

    expect(eventTypes(harness.simulator, intent.id).slice(-2)).toEqual(["payment_intent.canceled", "charge.refunded"])
    const [charge] = chargeRefundedEvents(intent.id)
    expect(charge).toMatchObject({
      captured: false,
      amount: 5000,
      amount_captured: 0,
      amount_refunded: 5000,
      refunded: true,
      balance_transaction: null,
      metadata: { session_id: "payses_release" },
    })
    expect(charge.refunds?.data).toHaveLength(1)
    const release = charge.refunds!.data[0]
    expect(release).toMatchObject({
      object: "refund",
      amount: 5000,
      charge: charge.id,
      payment_intent: intent.id,
      status: "succeeded",
      reason: null,
      metadata: {},
      balance_transaction: null,
    })
    expect((await harness.stripe.refunds.list({ payment_intent: intent.id })).data.map((refund) => refund.id)).toEqual([release.id])
    expect(harness.simulator.events.some((event) => event.type.startsWith("refund."))).toBe(false)
    await expect(harness.stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({ code: "charge_not_refundable" })
  })

  it("cancel before authorization releases nothing: no charge.refunded", async () => {
    const open = await harness.stripe.paymentIntents.create({ amount: 5000, currency: "eur", payment_method_types: ["card"] })
    await harness.stripe.paymentIntents.cancel(open.id)

    expect(eventTypes(harness.simulator, open.id)).toEqual(["payment_intent.created", "payment_intent.canceled"])
    expect((await harness.stripe.refunds.list({ payment_intent: open.id })).data).toEqual([])
  })

  it("partial capture: charge.captured, payment_intent.succeeded, then charge.refunded with a refund of what was not captured", async () => {
    const intent = await authorize()
    await harness.stripe.paymentIntents.capture(intent.id, { amount_to_capture: 3000 })

    expect(eventTypes(harness.simulator, intent.id).slice(-3)).toEqual([
      "charge.captured",
      "payment_intent.succeeded",
      "charge.refunded",
    ])
    const [charge] = chargeRefundedEvents(intent.id)
    expect(charge).toMatchObject({ captured: true, amount: 5000, amount_captured: 3000, amount_refunded: 2000, refunded: false })
    const release = charge.refunds!.data[0]
    expect(release).toMatchObject({ amount: 2000, reason: null, metadata: {}, status: "succeeded" })
    // The charge books what was authorized, the release books the rest back.
    const chargeBalance = await harness.stripe.balanceTransactions.retrieve(String(charge.balance_transaction))
    const releaseBalance = await harness.stripe.balanceTransactions.retrieve(String(release.balance_transaction))
    expect(chargeBalance).toMatchObject({ amount: 5000, type: "charge" })
    expect(releaseBalance).toMatchObject({ amount: -2000, type: "refund", source: release.id })
  })

  it("a full capture releases nothing: no charge.refunded", async () => {
    const intent = await authorize()
    await harness.stripe.paymentIntents.capture(intent.id)

    expect(chargeRefundedEvents(intent.id)).toEqual([])
    expect(eventTypes(harness.simulator, intent.id).slice(-2)).toEqual(["charge.captured", "payment_intent.succeeded"])
  })

  it("a refund after a partial capture lists both refunds, newest first, and can refund only what was captured", async () => {
    const intent = await authorize()
    await harness.stripe.paymentIntents.capture(intent.id, { amount_to_capture: 3000 })
    const [release] = chargeRefundedEvents(intent.id)[0].refunds!.data

    await expect(harness.stripe.refunds.create({ payment_intent: intent.id, amount: 3001 })).rejects.toMatchObject({
      code: "amount_too_large",
    })
    const refund = await harness.stripe.refunds.create({ payment_intent: intent.id, amount: 1200 })

    const latest = chargeRefundedEvents(intent.id).at(-1)!
    expect(latest).toMatchObject({ amount_captured: 3000, amount_refunded: 3200 })
    expect(latest.refunds!.data.map((listed) => [listed.id, listed.amount])).toEqual([
      [refund.id, 1200],
      [release.id, 2000],
    ])
    await harness.stripe.refunds.create({ payment_intent: intent.id })
    expect(await harness.stripe.charges.retrieve(latest.id)).toMatchObject({ amount_refunded: 5000, refunded: true })
  })
})
