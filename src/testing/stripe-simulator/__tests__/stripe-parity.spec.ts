import type Stripe from "stripe"
import { eventTypes, type Harness, startHarness } from "./helpers"

describe("Stripe simulator: validation, test tokens, lists and money facts as on Stripe", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  it("answers 400 amount_too_small below the currency's minimum (0.50 EUR, 50 JPY), naming the minimum", async () => {
    await expect(
      harness.stripe.paymentIntents.create({ amount: 49, currency: "eur", payment_method_types: ["card"] })
    ).rejects.toMatchObject({ statusCode: 400, code: "amount_too_small", param: "amount", message: "Amount must be at least 0.50 eur" })
    await expect(
      harness.stripe.paymentIntents.create({ amount: 30, currency: "jpy", payment_method_types: ["card"] })
    ).rejects.toMatchObject({ code: "amount_too_small", message: "Amount must be at least 50 jpy" })
    const open = await harness.stripe.paymentIntents.create({ amount: 50, currency: "eur", payment_method_types: ["card"] })
    await expect(harness.stripe.paymentIntents.update(open.id, { amount: 10, metadata: { a: "1" } })).rejects.toMatchObject({
      code: "amount_too_small",
    })
    expect(await harness.stripe.paymentIntents.retrieve(open.id)).toMatchObject({ amount: 50, metadata: {} })
  })

  it("rejects iDEAL in USD and iDEAL with manual capture with a 400, as Stripe does", async () => {
    await expect(
      harness.stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method_types: ["ideal"] })
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/currency provided \(usd\).*ideal.*eur/) })
    await expect(
      harness.stripe.paymentIntents.create({
        amount: 1000,
        currency: "eur",
        capture_method: "manual",
        payment_method_types: ["ideal"],
      })
    ).rejects.toMatchObject({ statusCode: 400, param: "capture_method" })
  })

  it("rejects confirm=true with automatic payment methods and no return_url, unless redirects are off", async () => {
    await expect(
      harness.stripe.paymentIntents.create({ amount: 1000, currency: "eur", payment_method: "pm_card_visa", confirm: true })
    ).rejects.toMatchObject({ statusCode: 400, param: "return_url", message: expect.stringMatching(/must provide a `return_url`/) })
    const withoutRedirects = await harness.stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      payment_method: "pm_card_visa",
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
      confirm: true,
    })
    expect(withoutRedirects).toMatchObject({
      status: "succeeded",
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    })
    const withReturnUrl = await harness.stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      payment_method: "pm_card_visa",
      return_url: "https://shop.test/return",
      confirm: true,
    })
    expect(withReturnUrl.status).toBe("succeeded")
  })

  it("declines pm_card_visa_chargeDeclinedInsufficientFunds with insufficient_funds", async () => {
    await expect(
      harness.stripe.paymentIntents.create({
        amount: 1000,
        currency: "eur",
        payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds",
        payment_method_types: ["card"],
        confirm: true,
      })
    ).rejects.toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds" })
  })

  it("pm_card_createDispute pays, then its charge is disputed with funds withdrawn", async () => {
    const intent = await harness.stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      payment_method: "pm_card_createDispute",
      payment_method_types: ["card"],
      confirm: true,
    })
    expect(intent.status).toBe("succeeded")
    const disputes = await harness.stripe.disputes.list({ payment_intent: intent.id })
    expect(disputes.data).toEqual([
      expect.objectContaining({ object: "dispute", amount: 1000, status: "needs_response", payment_intent: intent.id }),
    ])
    expect(eventTypes(harness.simulator, intent.id).slice(-2)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
    ])
  })

  it("lists payment intents, charges and events newest first, with filters and pagination", async () => {
    const create = (amount: number) =>
      harness.stripe.paymentIntents.create({
        amount,
        currency: "eur",
        payment_method: "pm_card_visa",
        payment_method_types: ["card"],
        confirm: true,
      })
    const first = await create(1000)
    const second = await create(2000)
    const intents = await harness.stripe.paymentIntents.list({ limit: 1 })
    expect(intents).toMatchObject({ object: "list", has_more: true, url: "/v1/payment_intents" })
    expect(intents.data.map((intent) => intent.id)).toEqual([second.id])
    const rest = await harness.stripe.paymentIntents.list({ starting_after: second.id })
    expect(rest.data.map((intent) => intent.id)).toEqual([first.id])

    const charges = await harness.stripe.charges.list({ payment_intent: first.id })
    expect(charges.data).toEqual([expect.objectContaining({ object: "charge", amount: 1000, payment_intent: first.id })])

    const succeeded = await harness.stripe.events.list({ type: "payment_intent.succeeded" })
    expect(succeeded.data.map((event) => (event.data.object as Stripe.PaymentIntent).id)).toEqual([second.id, first.id])
    await expect(harness.stripe.paymentIntents.list({ limit: 0 })).rejects.toMatchObject({ param: "limit" })
  })

  it("answers /v1/payment_intents/search with a clear 'not supported by the simulator' 400", async () => {
    await expect(
      harness.stripe.paymentIntents.search({ query: "metadata['session_id']:'payses_1'" })
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "simulator_unsupported",
      message: expect.stringMatching(/not supported by the Stripe simulator/),
    })
  })

  it("updates a dispute's evidence through the API (submitted -> under_review) and closes another (accepted -> lost)", async () => {
    const paid = () =>
      harness.stripe.paymentIntents.create({
        amount: 3000,
        currency: "eur",
        payment_method: "pm_card_visa",
        payment_method_types: ["card"],
        confirm: true,
      })
    const contested = await harness.simulator.openDispute((await paid()).id)
    const updated = await harness.stripe.disputes.update(contested.id, {
      evidence: { uncategorized_text: "Delivered on 1 May, signed for." },
      metadata: { ticket: "T-1" },
    })
    expect(updated).toMatchObject({
      status: "under_review",
      metadata: { ticket: "T-1" },
      evidence: { uncategorized_text: "Delivered on 1 May, signed for." },
      evidence_details: { has_evidence: true, submission_count: 1 },
    })
    const updateEvent = harness.simulator.events.at(-1)!
    expect(updateEvent.type).toBe("charge.dispute.updated")
    expect(updateEvent.data.previous_attributes).toMatchObject({ status: "needs_response", metadata: {} })
    await expect(
      harness.stripe.disputes.update(contested.id, { evidence: { bogus: "x" } } as Stripe.DisputeUpdateParams)
    ).rejects.toMatchObject({ code: "parameter_unknown", param: "evidence[bogus]" })

    const accepted = await harness.simulator.openDispute((await paid()).id)
    const closed = await harness.stripe.disputes.close(accepted.id)
    expect(closed.status).toBe("lost")
    expect(harness.simulator.events.at(-1)?.type).toBe("charge.dispute.closed")
    await expect(harness.stripe.disputes.close(accepted.id)).rejects.toMatchObject({ statusCode: 400 })
  })

  it("gives charges card details and a balance transaction (expandable), sent in charge.updated after an automatic capture", async () => {
    const intent = await harness.stripe.paymentIntents.create({
      amount: 10000,
      currency: "eur",
      payment_method: "pm_card_mastercard",
      payment_method_types: ["card"],
      confirm: true,
      expand: ["latest_charge.balance_transaction"],
    })
    const charge = intent.latest_charge as Stripe.Charge
    expect(charge.payment_method_details).toMatchObject({ type: "card", card: { brand: "mastercard", last4: "4444" } })
    expect(charge.balance_transaction).toMatchObject({
      object: "balance_transaction",
      amount: 10000,
      fee: 320,
      net: 9680,
      type: "charge",
      source: charge.id,
    })
    const types = eventTypes(harness.simulator, intent.id)
    expect(types.slice(-3)).toEqual(["charge.succeeded", "payment_intent.succeeded", "charge.updated"])
    const updated = harness.simulator.events.at(-1)!
    expect(updated.data.previous_attributes).toEqual({ balance_transaction: null })

    const refund = await harness.stripe.refunds.create({ payment_intent: intent.id, amount: 2500, expand: ["balance_transaction"] })
    expect(refund.balance_transaction).toMatchObject({ amount: -2500, fee: 0, type: "refund" })
    expect(eventTypes(harness.simulator).slice(-3)).toEqual(["charge.refunded", "refund.created", "refund.updated"])
  })

  it("sends payment_method.attached when a payment saves its card on the customer", async () => {
    const customer = await harness.stripe.customers.create({ email: "ada@example.com" })
    const intent = await harness.stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      customer: customer.id,
      setup_future_usage: "off_session",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
    const attached = harness.simulator.events.find((event) => event.type === "payment_method.attached")
    expect(attached?.data.object).toMatchObject({ id: intent.payment_method, customer: customer.id })
  })
})
