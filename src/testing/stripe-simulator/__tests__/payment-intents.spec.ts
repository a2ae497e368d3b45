import Stripe from "stripe"
import { eventTypes, type Harness, startHarness } from "./helpers"

describe("Stripe simulator: payment intents", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  it("runs a manual-capture card payment: create, confirm, partial capture, with signed events in order", async () => {
    const { stripe, simulator, receiver } = harness
    const created = await stripe.paymentIntents.create({
      amount: 5000,
      currency: "EUR",
      capture_method: "manual",
      payment_method_types: ["card"],
      metadata: { session_id: "payses_1" },
    })
    expect(created).toMatchObject({
      object: "payment_intent",
      status: "requires_payment_method",
      currency: "eur",
      metadata: { session_id: "payses_1" },
    })
    expect(created.id).toMatch(/^pi_\w{24}$/)

    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: "pm_card_visa" })
    expect(confirmed).toMatchObject({ status: "requires_capture", amount_capturable: 5000, amount_received: 0 })
    expect(confirmed.latest_charge).toMatch(/^ch_/)
    expect(confirmed.payment_method).toMatch(/^pm_/)

    const captured = await stripe.paymentIntents.capture(created.id, { amount_to_capture: 3000 })
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 3000, amount_capturable: 0 })
    expect(simulator.effectiveCaptures(created.id)).toBe(1)

    const withCharge = await stripe.paymentIntents.retrieve(created.id, { expand: ["latest_charge"] })
    expect(withCharge.latest_charge).toMatchObject({
      object: "charge",
      payment_intent: created.id,
      amount: 5000,
      amount_captured: 3000,
      captured: true,
      status: "succeeded",
      metadata: { session_id: "payses_1" },
    })

    await simulator.idle()
    expect(eventTypes(simulator)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
      "charge.refunded",
    ])
    const verified = receiver.events()
    expect(receiver.requests).toHaveLength(6)
    expect(verified.map((event) => event.id).sort()).toEqual(simulator.events.map((event) => event.id).sort())
    const succeeded = verified.find((event) => event.type === "payment_intent.succeeded")
    expect(succeeded?.data.object).toMatchObject({ id: created.id, amount_received: 3000 })
    expect(simulator.deliveries.every((delivery) => delivery.status === 200 && delivery.attempt === 1)).toBe(true)
  })

  it("declines pm_card_chargeDeclined with a 402 card_error and leaves a failed charge behind", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 1200,
      currency: "usd",
      metadata: { session_id: "payses_declined" },
    })

    const error = await stripe.paymentIntents
      .confirm(intent.id, { payment_method: "pm_card_chargeDeclined" })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError)
    const cardError = error as Stripe.errors.StripeCardError
    expect(cardError.statusCode).toBe(402)
    expect(cardError.code).toBe("card_declined")
    expect(cardError.decline_code).toBe("generic_decline")
    expect(cardError.payment_intent).toMatchObject({ id: intent.id, status: "requires_payment_method" })

    const after = await stripe.paymentIntents.retrieve(intent.id, { expand: ["latest_charge"] })
    expect(after.status).toBe("requires_payment_method")
    expect(after.last_payment_error).toMatchObject({ type: "card_error", code: "card_declined" })
    expect(after.latest_charge).toMatchObject({
      status: "failed",
      failure_code: "card_declined",
      metadata: { session_id: "payses_declined" },
    })
    expect(eventTypes(simulator, intent.id)).toEqual([
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
    ])
  })

  it("asks for authentication with pm_card_authenticationRequired, then authorizes once it completes", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 2500,
      currency: "eur",
      capture_method: "manual",
      payment_method: "pm_card_authenticationRequired",
      payment_method_types: ["card"],
      confirm: true,
    })
    expect(intent.status).toBe("requires_action")
    expect(intent.next_action?.type).toBe("use_stripe_sdk")
    expect(eventTypes(simulator, intent.id)).toEqual(["payment_intent.created", "payment_intent.requires_action"])

    await simulator.succeedPending(intent.id)
    expect(simulator.paymentIntent(intent.id)).toMatchObject({ status: "requires_capture", amount_capturable: 2500 })
    expect(eventTypes(simulator, intent.id).slice(2)).toEqual([
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
    ])
  })

  it("keeps an async method (sepa_debit) processing until the simulator settles it", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 4200,
      currency: "eur",
      payment_method_types: ["sepa_debit"],
      metadata: { session_id: "payses_async" },
    })
    const processing = await stripe.paymentIntents.confirm(intent.id)
    expect(processing.status).toBe("processing")
    const paymentMethod = await stripe.paymentMethods.retrieve(String(processing.payment_method))
    expect(paymentMethod.type).toBe("sepa_debit")
    await expect(stripe.paymentIntents.cancel(intent.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    })

    await simulator.succeedPending(intent.id)
    const settled = await stripe.paymentIntents.retrieve(intent.id)
    expect(settled).toMatchObject({ status: "succeeded", amount_received: 4200 })
    expect(eventTypes(simulator, intent.id)).toEqual([
      "payment_intent.created",
      "charge.pending",
      "payment_intent.processing",
      "charge.succeeded",
      "payment_intent.succeeded",
      "charge.updated",
    ])
    await expect(simulator.succeedPending(intent.id)).rejects.toThrow(/only processing or requires_action/)
  })

  it("sends a redirect method (bancontact) to requires_action with a redirect URL, and succeeds once authorized", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 4200,
      currency: "eur",
      payment_method_types: ["bancontact"],
      metadata: { session_id: "payses_redirect" },
    })
    await expect(stripe.paymentIntents.confirm(intent.id)).rejects.toMatchObject({
      statusCode: 400,
      param: "return_url",
    })
    const redirecting = await stripe.paymentIntents.confirm(intent.id, { return_url: "https://shop.test/return" })
    expect(redirecting).toMatchObject({
      status: "requires_action",
      latest_charge: null,
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: {
          url: `${simulator.url}/_simulator/redirect/${intent.id}`,
          return_url: "https://shop.test/return",
        },
      },
    })
    const paymentMethod = await stripe.paymentMethods.retrieve(String(redirecting.payment_method))
    expect(paymentMethod.type).toBe("bancontact")

    const settled = await simulator.succeedPending(intent.id)
    expect(settled).toMatchObject({ status: "succeeded", amount_received: 4200, next_action: null })
    expect(eventTypes(simulator, intent.id)).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
      "charge.succeeded",
      "payment_intent.succeeded",
      "charge.updated",
    ])
  })

  it("fails a redirect: the intent goes back to requires_payment_method with an authentication failure", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 900,
      currency: "pln",
      payment_method: "pm_przelewy24",
      payment_method_types: ["p24"],
      return_url: "https://shop.test/return",
      confirm: true,
    })
    expect(intent.status).toBe("requires_action")

    const failed = await simulator.failPending(intent.id)
    expect(failed).toMatchObject({
      status: "requires_payment_method",
      next_action: null,
      last_payment_error: { code: "payment_intent_authentication_failure" },
    })
    expect(eventTypes(simulator, intent.id)).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
      "payment_intent.payment_failed",
    ])
  })

  it("fails an async payment with failPending", async () => {
    const { stripe, simulator } = harness
    const intent = await stripe.paymentIntents.create({
      amount: 900,
      currency: "pln",
      payment_method: "pm_blik",
      payment_method_types: ["blik"],
      confirm: true,
    })
    expect(intent.status).toBe("processing")

    await simulator.failPending(intent.id)
    expect(simulator.paymentIntent(intent.id)).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "payment_intent_payment_attempt_failed" },
    })
    expect(eventTypes(simulator, intent.id).slice(-2)).toEqual(["charge.failed", "payment_intent.payment_failed"])
  })

  it("allows updates before payment only, and cancels like Stripe", async () => {
    const { stripe, simulator } = harness
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: "eur", metadata: { a: "1" } })
    const updated = await stripe.paymentIntents.update(open.id, { amount: 1500, metadata: { b: "2", a: "" } })
    expect(updated).toMatchObject({ amount: 1500, metadata: { b: "2" } })
    const canceled = await stripe.paymentIntents.cancel(open.id, { cancellation_reason: "abandoned" })
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" })
    expect(eventTypes(simulator, open.id)).toEqual(["payment_intent.created", "payment_intent.canceled"])

    const paid = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "eur",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
    expect(paid.status).toBe("succeeded")
    await expect(stripe.paymentIntents.update(paid.id, { amount: 2000 })).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
    })
    await expect(stripe.paymentIntents.update(paid.id, { metadata: { note: "ok" } })).resolves.toMatchObject({
      metadata: { note: "ok" },
    })
    const cancelError = await stripe.paymentIntents.cancel(paid.id).catch((caught: unknown) => caught)
    expect(cancelError).toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
      payment_intent: { id: paid.id, status: "succeeded" },
    })
    await expect(stripe.paymentIntents.capture(paid.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    })
  })

  it("answers Stripe's errors for bad keys, unknown objects, unknown parameters and unknown routes", async () => {
    const { stripe, simulator } = harness
    const wrongKey = new Stripe("sk_test_wrong", { ...simulator.stripeConfig(), maxNetworkRetries: 0 })
    await expect(wrongKey.customers.create({ email: "a@example.com" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError
    )
    await expect(stripe.paymentIntents.retrieve("pi_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    })
    await expect(
      stripe.paymentIntents.create({ amount: 100, currency: "eur", colour: "red" } as Stripe.PaymentIntentCreateParams)
    ).rejects.toMatchObject({ code: "parameter_unknown", param: "colour" })
    const withoutAmount = { currency: "eur" } as Stripe.PaymentIntentCreateParams
    await expect(stripe.paymentIntents.create(withoutAmount)).rejects.toMatchObject({
      code: "parameter_missing",
      param: "amount",
    })
    await expect(stripe.rawRequest("GET", "/v1/balance_transactions")).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringContaining("Unrecognized request URL (GET: /v1/balance_transactions)"),
    })
  })

  it("expands latest_charge and payment_method, and rejects what cannot be expanded", async () => {
    const { stripe } = harness
    const paid = await stripe.paymentIntents.create({
      amount: 700,
      currency: "usd",
      payment_method: "pm_card_mastercard",
      payment_method_types: ["card"],
      confirm: true,
      expand: ["latest_charge", "payment_method"],
    })
    expect(paid.latest_charge).toMatchObject({ object: "charge", amount_captured: 700 })
    expect(paid.payment_method).toMatchObject({ object: "payment_method", card: { brand: "mastercard" } })
    await expect(stripe.paymentIntents.retrieve(paid.id, { expand: ["metadata.x"] })).rejects.toMatchObject({
      statusCode: 400,
      param: "expand",
    })
  })
})
