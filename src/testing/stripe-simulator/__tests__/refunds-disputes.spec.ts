import type Stripe from "stripe"
import { eventTypes, type Harness, startHarness } from "./helpers"

describe("Stripe simulator: refunds and disputes", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  async function paidIntent(amount: number): Promise<Stripe.PaymentIntent> {
    return harness.stripe.paymentIntents.create({
      amount,
      currency: "eur",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
      metadata: { session_id: "payses_refund" },
    })
  }

  it("refunds partially, then the rest, and rejects refunding more", async () => {
    const { stripe, simulator, receiver } = harness
    const intent = await paidIntent(5000)

    const partial = await stripe.refunds.create({ payment_intent: intent.id, amount: 2000, metadata: { why: "late" } })
    expect(partial).toMatchObject({
      object: "refund",
      amount: 2000,
      status: "succeeded",
      payment_intent: intent.id,
      charge: intent.latest_charge,
      currency: "eur",
      metadata: { why: "late" },
    })
    expect(partial.id).toMatch(/^re_/)
    expect(await stripe.charges.retrieve(String(intent.latest_charge))).toMatchObject({
      amount_refunded: 2000,
      refunded: false,
    })

    const rest = await stripe.refunds.create({ payment_intent: intent.id })
    expect(rest.amount).toBe(3000)
    expect(await stripe.charges.retrieve(String(intent.latest_charge))).toMatchObject({
      amount_refunded: 5000,
      refunded: true,
    })
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: "charge_already_refunded",
    })

    const listed = await stripe.refunds.list({ payment_intent: intent.id })
    expect(listed.data.map((refund) => refund.id)).toEqual([rest.id, partial.id])
    const onePerPage = { charge: String(intent.latest_charge), limit: 1 }
    expect(await stripe.refunds.list(onePerPage)).toMatchObject({ has_more: true, data: [{ id: rest.id }] })
    const everyRefund = await stripe.refunds.list(onePerPage).autoPagingToArray({ limit: 10 })
    expect(everyRefund.map((refund) => refund.id)).toEqual([rest.id, partial.id])
    expect(await stripe.refunds.retrieve(partial.id)).toMatchObject({ id: partial.id, amount: 2000 })

    const refundEvents = eventTypes(simulator).filter((type) => type.includes("refund"))
    expect(refundEvents).toEqual([
      "charge.refunded",
      "refund.created",
      "refund.updated",
      "charge.refunded",
      "refund.created",
      "refund.updated",
    ])
    const lastChargeRefunded = simulator.events.filter((event) => event.type === "charge.refunded")[1]
    expect(lastChargeRefunded.data.object).toMatchObject({
      amount_refunded: 5000,
      refunded: true,
      metadata: { session_id: "payses_refund" },
      refunds: { object: "list", data: [{ id: rest.id }, { id: partial.id }] },
    })
    await simulator.idle()
    expect(receiver.events().filter((event) => event.type === "refund.created")).toHaveLength(2)
  })

  it("rejects a refund larger than what remains, and refunds of unpaid intents", async () => {
    const { stripe, simulator } = harness
    const intent = await paidIntent(1000)
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 1001 })).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
    })
    const unpaid = await stripe.paymentIntents.create({ amount: 1000, currency: "eur" })
    await expect(stripe.refunds.create({ payment_intent: unpaid.id })).rejects.toMatchObject({ statusCode: 400 })
    expect(eventTypes(simulator).filter((type) => type.includes("refund"))).toEqual([])
  })

  it("refunds from the dashboard with an event whose request id is null", async () => {
    const { simulator } = harness
    const intent = await paidIntent(1000)
    const refund = await simulator.refundFromDashboard(intent.id, 400)
    expect(refund).toMatchObject({ amount: 400, payment_intent: intent.id })
    const created = simulator.events.find((event) => event.type === "refund.created")
    expect(created?.request).toEqual({ id: null, idempotency_key: null })
  })

  it("runs a dispute through created, updated and closed, and blocks refunds while it is open", async () => {
    const { stripe, simulator, receiver } = harness
    const intent = await paidIntent(3000)

    const dispute = await simulator.openDispute(intent.id, { reason: "product_not_received" })
    expect(dispute).toMatchObject({
      object: "dispute",
      amount: 3000,
      currency: "eur",
      charge: intent.latest_charge,
      payment_intent: intent.id,
      reason: "product_not_received",
      status: "needs_response",
    })
    expect(dispute.id).toMatch(/^dp_/)
    await expect(simulator.openDispute(intent.id)).rejects.toMatchObject({ body: { code: "charge_disputed" } })
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      code: "charge_disputed",
    })

    await simulator.updateDispute(dispute.id, "under_review")
    await simulator.updateDispute(dispute.id, "lost")
    await expect(simulator.updateDispute(dispute.id, "won")).rejects.toThrow(/already closed/)
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({ status: "lost" })

    const disputeEvents = simulator.events.filter((event) => event.type.startsWith("charge.dispute."))
    expect(disputeEvents.map((event) => event.type)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
      "charge.dispute.updated",
      "charge.dispute.closed",
    ])
    expect(disputeEvents[1].data.object).toMatchObject({
      balance_transactions: [expect.objectContaining({ amount: -dispute.amount, type: "adjustment" })],
    })
    expect(disputeEvents[2].data.previous_attributes).toEqual({ status: "needs_response" })
    expect(disputeEvents[3].data.object).toMatchObject({ id: dispute.id, status: "lost" })
    await simulator.idle()
    expect(receiver.events().filter((event) => event.type.startsWith("charge.dispute."))).toHaveLength(4)
  })

  it("opens a dispute with the default reason and closes it as won", async () => {
    const { simulator } = harness
    const intent = await paidIntent(800)
    const dispute = await simulator.openDispute(intent.id)
    expect(dispute.reason).toBe("fraudulent")
    await simulator.updateDispute(dispute.id, "won")
    expect(eventTypes(simulator).slice(-2)).toEqual(["charge.dispute.closed", "charge.dispute.funds_reinstated"])
  })
})
