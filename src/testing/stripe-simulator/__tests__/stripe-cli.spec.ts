import { type Harness, startHarness, API_KEY, eventTypes } from "./helpers"
import { deliveriesSince, formatDelivery, parseTriggerOptions, trigger } from "../stripe-cli"

describe("npm run stripe: trigger flows and list deliveries through the simulator's HTTP API", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  const target = () => ({ url: harness.simulator.url, apiKey: API_KEY })

  it("trigger refund: a card payment refunded in full from the dashboard, with the options given", async () => {
    const result = await trigger(target(), "refund", parseTriggerOptions(["--amount", "1500", "--metadata", "session_id=payses_cli"]))
    expect(result).toEqual({ paymentIntent: expect.stringMatching(/^pi_/), refund: expect.stringMatching(/^re_/) })
    expect(harness.simulator.paymentIntent(result.paymentIntent)).toMatchObject({
      amount: 1500,
      metadata: { session_id: "payses_cli" },
    })
    expect(eventTypes(harness.simulator).slice(-3)).toEqual(["charge.refunded", "refund.created", "refund.updated"])
  })

  it("trigger charge.dispute.closed, payment_intent.payment_failed and redirect end in the events they name", async () => {
    await trigger(target(), "charge.dispute.closed")
    expect(eventTypes(harness.simulator).at(-1)).toBe("charge.dispute.closed")
    const declined = await trigger(target(), "payment_intent.payment_failed")
    expect(harness.simulator.paymentIntent(declined.paymentIntent)?.status).toBe("requires_payment_method")
    const redirect = await trigger(target(), "redirect")
    expect(harness.simulator.paymentIntent(redirect.paymentIntent)?.next_action?.type).toBe("redirect_to_url")
    await expect(trigger(target(), "payout.paid")).rejects.toThrow(/Unknown trigger "payout.paid". Known: payment_intent.succeeded/)
  })

  it("lists the deliveries made since a sequence number, oldest first, as listen prints them", async () => {
    harness.receiver.answerNext(503)
    await trigger(target(), "payment_intent.succeeded")
    await harness.simulator.idle()
    const all = await deliveriesSince(target(), 0)
    expect(all.map((delivery) => delivery.seq)).toEqual(all.map((_, index) => index + 1))
    expect(all[0]).toMatchObject({ type: "payment_intent.created", status: 503, attempt: 1 })
    expect(formatDelivery(all[0])).toBe(`--> 503 payment_intent.created ${all[0].eventId} [attempt 1] ${harness.receiver.url}`)
    const later = await deliveriesSince(target(), all.length - 1)
    expect(later).toEqual([all.at(-1)])
  })

  it("rejects bad options naming them", () => {
    expect(() => parseTriggerOptions(["--amount", "12.5"])).toThrow(/--amount must be a positive integer/)
    expect(() => parseTriggerOptions(["--colour", "red"])).toThrow(/Unknown option --colour/)
    expect(() => parseTriggerOptions(["--metadata", "novalue"])).toThrow(/key=value/)
  })
})
