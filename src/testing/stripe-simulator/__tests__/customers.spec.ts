import { type Harness, startHarness } from "./helpers"

describe("Stripe simulator: customers", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  it("creates, updates, retrieves and deletes a customer with events", async () => {
    const { stripe, simulator } = harness
    const customer = await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      phone: "+3212345678",
      metadata: { medusa_id: "cus_01" },
    })
    expect(customer).toMatchObject({ object: "customer", email: "ada@example.com", metadata: { medusa_id: "cus_01" } })
    expect(customer.id).toMatch(/^cus_/)

    const updated = await stripe.customers.update(customer.id, { name: "Ada L.", metadata: { tier: "gold" } })
    expect(updated).toMatchObject({ name: "Ada L.", metadata: { medusa_id: "cus_01", tier: "gold" } })
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ name: "Ada L." })

    const deleted = await stripe.customers.del(customer.id)
    expect(deleted).toEqual({ id: customer.id, object: "customer", deleted: true })
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true })
    await expect(stripe.customers.update(customer.id, { name: "x" })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    })

    expect(simulator.events.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.updated",
      "customer.deleted",
    ])
    expect(simulator.events[1].data.previous_attributes).toEqual({ name: "Ada", metadata: { medusa_id: "cus_01" } })
  })

  it("saves the payment method of an intent with setup_future_usage on its customer", async () => {
    const { stripe } = harness
    const customer = await stripe.customers.create({ email: "grace@example.com" })
    const intent = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      setup_future_usage: "off_session",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
    const saved = await stripe.customers.listPaymentMethods(customer.id, { limit: 100 })
    expect(saved.data.map((paymentMethod) => paymentMethod.id)).toEqual([intent.payment_method])
    await expect(
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: "cus_missing" })
    ).rejects.toMatchObject({ statusCode: 404, param: "customer" })
  })
})
