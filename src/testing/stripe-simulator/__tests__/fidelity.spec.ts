import type Stripe from "stripe"
import { type Harness, startHarness } from "./helpers"
import { StripeTypeChecker, type StripeTypeName } from "./stripe-types"

/** Every answer of a realistic run, with the SDK type it must conform to. */
type Recorded = { what: string; value: unknown; type: StripeTypeName }

const EVENT_OBJECT_TYPES: Record<string, StripeTypeName> = {
  payment_intent: "PaymentIntent",
  charge: "Charge",
  refund: "Refund",
  dispute: "Dispute",
  customer: "Customer",
  payment_method: "PaymentMethod",
}

describe("Stripe simulator: fidelity against the stripe SDK's own type definitions", () => {
  let harness: Harness
  const types = new StripeTypeChecker()

  beforeAll(async () => {
    harness = await startHarness()
  })

  afterAll(async () => {
    await harness.close()
  })

  /** Runs every flow the simulator offers through the SDK and records each answer. */
  async function realisticRun(): Promise<Recorded[]> {
    const { stripe, simulator } = harness
    const recorded: Recorded[] = []
    const record = <T>(what: string, type: StripeTypeName, value: T): T => {
      recorded.push({ what, value, type })
      return value
    }
    const customer = record("customer", "Customer", await stripe.customers.create({ email: "ada@example.com", name: "Ada" }))
    record("customer update", "Customer", await stripe.customers.update(customer.id, { metadata: { tier: "gold" } }))

    const manual = await stripe.paymentIntents.create({
      amount: 5000,
      currency: "eur",
      capture_method: "manual",
      customer: customer.id,
      setup_future_usage: "off_session",
      payment_method_types: ["card"],
      metadata: { session_id: "payses_fidelity" },
    })
    record("created intent", "PaymentIntent", manual)
    record("authorized", "PaymentIntent", await stripe.paymentIntents.confirm(manual.id, { payment_method: "pm_card_visa" }))
    const captured = await stripe.paymentIntents.capture(manual.id, { amount_to_capture: 4000 })
    record("captured", "PaymentIntent", captured)
    record(
      "expanded",
      "PaymentIntent",
      await stripe.paymentIntents.retrieve(manual.id, {
        expand: ["latest_charge.balance_transaction", "payment_method", "customer"],
      })
    )
    const refund = record("refund", "Refund", await stripe.refunds.create({ payment_intent: manual.id, amount: 1000 }))
    record("refund expanded", "Refund", await stripe.refunds.retrieve(refund.id, { expand: ["balance_transaction", "charge"] }))
    await simulator.refundFromDashboard(manual.id)
    const charge = await stripe.charges.retrieve(String(captured.latest_charge), { expand: ["refunds"] })
    record("refunded charge", "Charge", charge)
    record("balance transaction", "BalanceTransaction", await stripe.balanceTransactions.retrieve(String(charge.balance_transaction)))
    record("saved methods", "ApiList<Stripe.PaymentMethod>", await stripe.customers.listPaymentMethods(customer.id))

    const automatic = await stripe.paymentIntents.create({
      amount: 2500,
      currency: "eur",
      payment_method: "pm_card_amex",
      return_url: "https://shop.test/return",
      confirm: true,
    })
    record("paid automatically", "PaymentIntent", automatic)
    const dispute = record("dispute", "Dispute", await simulator.openDispute(automatic.id))
    record(
      "dispute evidence",
      "Dispute",
      await stripe.disputes.update(dispute.id, { evidence: { customer_name: "Ada" }, metadata: { case: "1" } })
    )
    record("dispute won", "Dispute", await simulator.updateDispute(dispute.id, "won"))
    const accepted = await stripe.paymentIntents.create({
      amount: 1500,
      currency: "eur",
      payment_method: "pm_card_createDispute",
      payment_method_types: ["card"],
      confirm: true,
    })
    const [created] = (await stripe.disputes.list({ payment_intent: accepted.id })).data
    record("dispute closed", "Dispute", await stripe.disputes.close(created.id))

    await stripe.paymentIntents
      .create({ amount: 1000, currency: "eur", payment_method: "pm_card_chargeDeclined", payment_method_types: ["card"], confirm: true })
      .catch((error: { raw?: { payment_intent?: unknown } }) => record("declined", "PaymentIntent", error.raw?.payment_intent))
    const secure = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      payment_method: "pm_card_authenticationRequired",
      payment_method_types: ["card"],
      confirm: true,
    })
    record("3-D Secure", "PaymentIntent", secure)
    record("3-D Secure failed", "PaymentIntent", await simulator.failPending(secure.id))
    const ideal = await stripe.paymentIntents.create({
      amount: 1999,
      currency: "eur",
      payment_method_types: ["ideal"],
      payment_method: "pm_ideal",
      return_url: "https://shop.test/return",
      confirm: true,
    })
    record("redirect", "PaymentIntent", ideal)
    record("redirect authorized", "PaymentIntent", await simulator.succeedPending(ideal.id))
    const sepa = await stripe.paymentIntents.create({ amount: 3000, currency: "eur", payment_method_types: ["sepa_debit"], confirm: true })
    record("processing", "PaymentIntent", sepa)
    record("processing failed", "PaymentIntent", await simulator.failPending(sepa.id))
    const canceled = await stripe.paymentIntents.create({ amount: 800, currency: "eur", payment_method_types: ["card"] })
    record("canceled", "PaymentIntent", await stripe.paymentIntents.cancel(canceled.id, { cancellation_reason: "abandoned" }))
    const released = await stripe.paymentIntents.create({
      amount: 900,
      currency: "eur",
      capture_method: "manual",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
    record("authorization released", "PaymentIntent", await stripe.paymentIntents.cancel(released.id))
    record("deleted customer", "DeletedCustomer", await stripe.customers.del(customer.id))

    record("intents", "ApiList<Stripe.PaymentIntent>", await stripe.paymentIntents.list({ limit: 100 }))
    record("charges", "ApiList<Stripe.Charge>", await stripe.charges.list({ limit: 100 }))
    record("refunds", "ApiList<Stripe.Refund>", await stripe.refunds.list({ limit: 100 }))
    record("disputes", "ApiList<Stripe.Dispute>", await stripe.disputes.list({ limit: 100 }))
    record("events", "ApiList<Stripe.Event>", await stripe.events.list({ limit: 100 }))
    for (const event of simulator.events) {
      record(`${event.type} event`, "Event", event)
      const object = event.data.object as { object?: string }
      const objectType = EVENT_OBJECT_TYPES[object.object ?? ""]
      if (objectType && event.type !== "customer.deleted") {
        record(`${event.type} data.object`, objectType, object)
      }
    }
    return recorded
  }

  it("the checker itself catches a missing field, an unknown field, a wrong type and a value outside an enum", async () => {
    const intent = await harness.stripe.paymentIntents.create({ amount: 1000, currency: "eur", payment_method_types: ["card"] })
    expect(types.check(intent, "PaymentIntent")).toEqual([])
    const { client_secret: _secret, ...withoutSecret } = intent
    expect(types.check(withoutSecret, "PaymentIntent")).toEqual(["PaymentIntent.client_secret: required, missing"])
    expect(types.check({ ...intent, colour: "red" }, "PaymentIntent")).toEqual([
      expect.stringMatching(/^PaymentIntent\.colour: not a field of/),
    ])
    expect(types.check({ ...intent, amount: "1000" }, "PaymentIntent")).toEqual(['PaymentIntent.amount: "1000" is not a number'])
    expect(types.check({ ...intent, status: "paid" }, "PaymentIntent")).toEqual([
      expect.stringMatching(/^PaymentIntent\.status: "paid" is none of/),
    ])
  })

  it("every API answer, expanded object, list and event of a realistic run conforms to the SDK's types", async () => {
    const recorded = await realisticRun()
    await harness.simulator.idle()
    const eventTypes = new Set(harness.simulator.events.map((event) => event.type))
    expect([...eventTypes]).toEqual(
      expect.arrayContaining([
        "payment_intent.succeeded",
        "charge.updated",
        "refund.updated",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.closed",
        "payment_method.attached",
        "customer.deleted",
      ])
    )
    const failures = recorded
      .map(({ what, value, type }) => ({ what, errors: types.check(value, type) }))
      .filter(({ errors }) => errors.length > 0)
    expect(failures).toEqual([])
    expect(recorded.length).toBeGreaterThan(80)
  })
})
