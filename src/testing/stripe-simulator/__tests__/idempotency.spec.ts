import Stripe from "stripe"
import { eventTypes, type Harness, startHarness, stripeFor } from "./helpers"

describe("Stripe simulator: idempotency and injected failures", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  async function authorizedIntent(stripe: Stripe): Promise<Stripe.PaymentIntent> {
    return stripe.paymentIntents.create({
      amount: 2000,
      currency: "eur",
      capture_method: "manual",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
  }

  it("replays a create with the same key instead of creating again", async () => {
    const { stripe, simulator } = harness
    const params = { amount: 1000, currency: "eur", metadata: { session_id: "payses_idem" } }
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "create-1" })
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: "create-1" })

    expect(second.id).toBe(first.id)
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true")
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined()
    expect(eventTypes(simulator)).toEqual(["payment_intent.created"])
    expect(simulator.events[0].request).toEqual({ id: first.lastResponse.requestId, idempotency_key: "create-1" })
  })

  it("replays a capture with the same key: one capture takes effect", async () => {
    const { stripe, simulator } = harness
    const intent = await authorizedIntent(stripe)
    const first = await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: "capture-1" })
    const replay = await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: "capture-1" })

    expect(replay).toEqual(first)
    expect(simulator.effectiveCaptures(intent.id)).toBe(1)
    expect(eventTypes(simulator, intent.id).filter((type) => type === "charge.captured")).toHaveLength(1)
    await expect(
      stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: "capture-2" })
    ).rejects.toMatchObject({ code: "payment_intent_unexpected_state", payment_intent: { status: "succeeded" } })
  })

  it("rejects a key reused with different parameters or another endpoint", async () => {
    const { stripe } = harness
    await stripe.paymentIntents.create({ amount: 1000, currency: "eur" }, { idempotencyKey: "reused" })
    const error = await stripe.paymentIntents
      .create({ amount: 1001, currency: "eur" }, { idempotencyKey: "reused" })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(error).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" })
    await expect(stripe.customers.create({}, { idempotencyKey: "reused" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError
    )
  })

  it("lets the SDK retry an injected 500 by itself, and the retry takes effect once", async () => {
    const { simulator } = harness
    const retrying = stripeFor(simulator, { maxNetworkRetries: 2 })
    const intent = await authorizedIntent(retrying)
    const attempts: Array<{ path: string; idempotency_key?: string }> = []
    retrying.on("request", (request: Stripe.RequestEvent) => attempts.push(request))

    simulator.failNext({ method: "POST", path: /\/capture$/ }, 1, "error")
    const captured = await retrying.paymentIntents.capture(intent.id)

    expect(captured.status).toBe("succeeded")
    expect(attempts).toHaveLength(2)
    expect(attempts[0].idempotency_key).toMatch(/^stripe-node-retry-/)
    expect(attempts[1].idempotency_key).toBe(attempts[0].idempotency_key)
    expect(simulator.effectiveCaptures(intent.id)).toBe(1)
  })

  it("applies nothing on an injected 500 and does not keep its key, so a manual retry takes effect once", async () => {
    const { stripe, simulator } = harness
    const intent = await authorizedIntent(stripe)
    simulator.failNext({ method: "POST", path: `/v1/payment_intents/${intent.id}/capture` }, 1, "error")

    await expect(
      stripe.paymentIntents.capture(intent.id, { amount_to_capture: 1500 }, { idempotencyKey: "cap" })
    ).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(simulator.paymentIntent(intent.id)?.status).toBe("requires_capture")
    expect(simulator.effectiveCaptures(intent.id)).toBe(0)

    const retry = () => stripe.paymentIntents.capture(intent.id, { amount_to_capture: 1500 }, { idempotencyKey: "cap" })
    const retried = await retry()
    const replayed = await retry()
    expect(retried).toMatchObject({ status: "succeeded", amount_received: 1500 })
    expect(replayed.lastResponse.headers["idempotent-replayed"]).toBe("true")
    expect(simulator.effectiveCaptures(intent.id)).toBe(1)
  })

  it("hangs on an injected timeout without applying it; the SDK times out and its retry captures once", async () => {
    const { simulator } = harness
    const impatient = stripeFor(simulator, { maxNetworkRetries: 1, timeout: 300 })
    const intent = await authorizedIntent(impatient)
    simulator.failNext({ path: /\/capture$/ }, 1, "timeout")

    const captured = await impatient.paymentIntents.capture(intent.id)

    expect(captured.status).toBe("succeeded")
    expect(simulator.effectiveCaptures(intent.id)).toBe(1)
  })

  it("error_after_effect: the refund is made, the caller gets a 500, and a retry with the same key gets that 500", async () => {
    const { stripe, simulator } = harness
    const intent = await authorizedIntent(stripe)
    await stripe.paymentIntents.capture(intent.id)
    const refundsOfIntent = async () => (await stripe.refunds.list({ payment_intent: intent.id })).data
    simulator.failNext({ method: "POST", path: "/v1/refunds" }, 1, "error_after_effect")
    const refund = () => stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: "refund-1" })

    const first = await refund().catch((caught: unknown) => caught)
    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(first).toMatchObject({ statusCode: 500, type: "StripeAPIError" })
    expect(await refundsOfIntent()).toMatchObject([{ amount: 500 }])
    expect(eventTypes(simulator, intent.id).filter((type) => type === "refund.created")).toHaveLength(1)

    const retried = await refund().catch((caught: unknown) => caught)
    expect(retried).toMatchObject({ statusCode: 500, type: "StripeAPIError" })
    expect((retried as Stripe.errors.StripeError).headers?.["idempotent-replayed"]).toBe("true")
    expect(await refundsOfIntent()).toHaveLength(1)
    expect(simulator.pendingFailures()).toBe(0)

    // Only another key acts again: the effect of the first call was real.
    await stripe.refunds.create({ payment_intent: intent.id, amount: 500 }, { idempotencyKey: "refund-2" })
    expect(await refundsOfIntent()).toHaveLength(2)
  })

  it("error_after_effect: the SDK's own retries get the saved 500, and the capture took effect once", async () => {
    const { simulator } = harness
    const retrying = stripeFor(simulator, { maxNetworkRetries: 2 })
    const intent = await authorizedIntent(retrying)
    const attempts: Stripe.RequestEvent[] = []
    retrying.on("request", (request: Stripe.RequestEvent) => attempts.push(request))
    simulator.failNext({ method: "POST", path: /\/capture$/ }, 1, "error_after_effect")

    await expect(retrying.paymentIntents.capture(intent.id)).rejects.toMatchObject({ statusCode: 500 })

    expect(attempts).toHaveLength(3)
    expect(new Set(attempts.map((attempt) => attempt.idempotency_key)).size).toBe(1)
    expect(simulator.paymentIntent(intent.id)?.status).toBe("succeeded")
    expect(simulator.effectiveCaptures(intent.id)).toBe(1)
  })

  it("fails only the matching calls, and only as many as asked", async () => {
    const { stripe, simulator } = harness
    simulator.failNext({ method: "POST", path: "/v1/customers" }, 2, "error")
    await expect(stripe.paymentIntents.create({ amount: 100, currency: "eur" })).resolves.toBeDefined()
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 500, type: "StripeAPIError" })
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 500 })
    await expect(stripe.customers.create({})).resolves.toMatchObject({ object: "customer" })
    expect(eventTypes(simulator).filter((type) => type === "customer.created")).toHaveLength(1)
  })
})
