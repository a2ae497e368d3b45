import http from "node:http"
import Stripe from "stripe"
import { buildStripeEvent, signStripePayload, startStripeSimulator } from "../index"
import { type Harness, startHarness, startReceiver, WEBHOOK_SECRET } from "./helpers"

describe("Stripe simulator: webhook delivery", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  it("POSTs the pretty-printed event with Stripe's headers and a signature the SDK verifies", async () => {
    const { simulator, receiver } = harness
    const event = await simulator.sendEvent("payment_intent.created", { id: "pi_custom", object: "payment_intent" })
    await simulator.idle()

    expect(receiver.requests).toHaveLength(1)
    const [request] = receiver.requests
    expect(request.body).toBe(JSON.stringify(event, null, 2))
    expect(request.headers["content-type"]).toBe("application/json; charset=utf-8")
    expect(request.headers["user-agent"]).toBe("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
    expect(request.headers["stripe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(request.event?.id).toBe(event.id)
    expect(simulator.deliveries).toEqual([
      { eventId: event.id, url: receiver.url, status: 200, attempt: 1, sentAt: expect.any(Number) },
    ])
  })

  it("serves every event it produced at GET /v1/events/:id", async () => {
    const { simulator, stripe } = harness
    const intent = await stripe.paymentIntents.create({ amount: 100, currency: "eur" })
    const [created] = simulator.events
    const fetched = await stripe.events.retrieve(created.id)
    expect(fetched).toMatchObject({
      id: created.id,
      type: "payment_intent.created",
      data: { object: { id: intent.id } },
    })
  })

  it("delivers every event twice, concurrently, when duplicate is on", async () => {
    const { simulator, stripe, receiver } = harness
    simulator.setDelivery({ duplicate: true })
    await stripe.paymentIntents.create({
      amount: 100,
      currency: "eur",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
    await simulator.idle()

    expect(simulator.events).toHaveLength(4)
    expect(simulator.deliveries).toHaveLength(8)
    for (const event of simulator.events) {
      expect(receiver.events().filter((received) => received.id === event.id)).toHaveLength(2)
    }
  })

  it("retries a receiver that answers 500 twice until it answers 2xx", async () => {
    const { simulator, receiver } = harness
    receiver.answerNext(500, 500)
    const event = await simulator.sendEvent("charge.refunded", { id: "ch_retry", object: "charge" })
    await simulator.idle()

    expect(simulator.deliveries).toEqual([
      { eventId: event.id, url: receiver.url, status: 500, attempt: 1, sentAt: expect.any(Number) },
      { eventId: event.id, url: receiver.url, status: 500, attempt: 2, sentAt: expect.any(Number) },
      { eventId: event.id, url: receiver.url, status: 200, attempt: 3, sentAt: expect.any(Number) },
    ])
    expect(receiver.events().map((received) => received.id)).toEqual([event.id, event.id, event.id])
    const [first, second, third] = simulator.deliveries.map((delivery) => delivery.sentAt)
    expect(second).toBeGreaterThan(first)
    expect(third).toBeGreaterThan(second)
  })

  it("round robin: each event goes to the next endpoint, and a failed attempt is retried on the next one", async () => {
    const { simulator, receiver } = harness
    const other = await startReceiver()
    try {
      simulator.setEndpoints([
        { url: receiver.url, secret: WEBHOOK_SECRET },
        { url: other.url, secret: WEBHOOK_SECRET },
      ])
      simulator.setDelivery({ spread: "round-robin", retryDelaysMs: [10] })
      const first = await simulator.sendEvent("charge.refunded", { id: "ch_first", object: "charge" })
      const second = await simulator.sendEvent("charge.refunded", { id: "ch_second", object: "charge" })
      await simulator.idle()
      expect(receiver.events().map((event) => event.id)).toEqual([first.id])
      expect(other.events().map((event) => event.id)).toEqual([second.id])

      other.answerNext(503)
      await simulator.sendEvent("charge.refunded", { id: "ch_skipped", object: "charge" })
      const retried = await simulator.sendEvent("charge.refunded", { id: "ch_retried", object: "charge" })
      await simulator.idle()
      expect(simulator.deliveries.filter((delivery) => delivery.eventId === retried.id)).toEqual([
        { eventId: retried.id, url: other.url, status: 503, attempt: 1, sentAt: expect.any(Number) },
        { eventId: retried.id, url: receiver.url, status: 200, attempt: 2, sentAt: expect.any(Number) },
      ])
    } finally {
      await other.close()
    }
  })

  it("gives up after the last retry delay, and records network errors", async () => {
    const { simulator, receiver } = harness
    receiver.answerAlways(503)
    simulator.setDelivery({ retryDelaysMs: [10] })
    await simulator.sendEvent("payment_intent.succeeded", { id: "pi_give_up" })
    await simulator.idle()
    expect(simulator.deliveries.map((delivery) => [delivery.status, delivery.attempt])).toEqual([
      [503, 1],
      [503, 2],
    ])

    const closed = await startReceiver()
    await closed.close()
    simulator.setEndpoints([{ url: closed.url, secret: WEBHOOK_SECRET }])
    simulator.setDelivery({ retryDelaysMs: [] })
    await simulator.sendEvent("payment_intent.succeeded", { id: "pi_unreachable" })
    await simulator.idle()
    expect(simulator.deliveries.slice(2)).toEqual([expect.objectContaining({ status: "error", attempt: 1 })])
  })

  it("holds events for the shuffle window and delivers all of them in random order", async () => {
    const { simulator, receiver } = harness
    simulator.setDelivery({ shuffle: true })
    const started = Date.now()
    const sent: string[] = []
    for (let index = 0; index < 20; index += 1) {
      sent.push((await simulator.sendEvent("customer.updated", { id: `cus_${index}` })).id)
    }
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(receiver.requests).toHaveLength(0)

    await simulator.idle()
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    const arrived = receiver.events().map((event) => event.id)
    expect([...arrived].sort()).toEqual([...sent].sort())
    expect(arrived).not.toEqual(sent)
  })

  it("waits delayMs before delivering", async () => {
    const { simulator, receiver } = harness
    simulator.setDelivery({ delayMs: 150 })
    await simulator.sendEvent("payment_intent.created", { id: "pi_late" })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(receiver.requests).toHaveLength(0)
    await simulator.idle()
    expect(receiver.requests).toHaveLength(1)
  })

  it("answers the API before a slow endpoint has answered the webhook", async () => {
    let releaseEndpoint: () => void = () => undefined
    let requestArrived: () => void = () => undefined
    const arrived = new Promise<void>((resolve) => (requestArrived = resolve))
    const slow = http.createServer((_request, response) => {
      releaseEndpoint = () => response.writeHead(200).end()
      requestArrived()
    })
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve))
    const { simulator, stripe } = harness
    const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}`
    simulator.setEndpoints([{ url: slowUrl, secret: "whsec_x" }])

    await stripe.paymentIntents.create({ amount: 100, currency: "eur" })
    expect(simulator.deliveries).toHaveLength(0)

    // The webhook is at the endpoint, still unanswered, and the API call has returned.
    await arrived
    expect(simulator.deliveries).toHaveLength(0)
    releaseEndpoint()
    await simulator.idle()
    expect(simulator.deliveries).toEqual([expect.objectContaining({ status: 200 })])
    await new Promise<void>((resolve) => slow.close(() => resolve()))
  })

  it("cancels pending retries on stop", async () => {
    const receiver = await startReceiver()
    receiver.answerAlways(500)
    const simulator = await startStripeSimulator({
      endpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
      delivery: { retryDelaysMs: [10_000] },
    })
    await simulator.sendEvent("payment_intent.created", { id: "pi_stop" })
    while (simulator.deliveries.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }

    const stopping = Date.now()
    await simulator.stop()
    expect(Date.now() - stopping).toBeLessThan(1000)
    await simulator.idle()
    expect(simulator.deliveries).toHaveLength(1)
    await receiver.close()
  })
})

describe("signStripePayload and buildStripeEvent", () => {
  it("sign payloads that the SDK's constructEvent accepts, with the given timestamp", () => {
    const event = buildStripeEvent("payment_intent.succeeded", { id: "pi_1", object: "payment_intent" })
    const payload = JSON.stringify(event)
    const timestamp = Math.floor(Date.now() / 1000) - 10
    const header = signStripePayload(payload, "whsec_abc", timestamp)

    expect(header.startsWith(`t=${timestamp},v1=`)).toBe(true)
    expect(new Stripe("sk_test_x").webhooks.constructEvent(payload, header, "whsec_abc")).toEqual(event)
    expect(() => new Stripe("sk_test_x").webhooks.constructEvent(payload, header, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError
    )
  })

  it("build a realistic envelope that overrides can change", () => {
    const before = Math.floor(Date.now() / 1000)
    const event = buildStripeEvent("charge.refunded", { id: "ch_1" }, { livemode: true })
    expect(event).toMatchObject({
      object: "event",
      type: "charge.refunded",
      api_version: "2025-02-24.acacia",
      livemode: true,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { id: "ch_1" } },
    })
    expect(event.id).toMatch(/^evt_\w{24}$/)
    expect(event.created).toBeGreaterThanOrEqual(before)
  })
})
