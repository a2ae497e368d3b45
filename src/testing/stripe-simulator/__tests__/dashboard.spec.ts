import type Stripe from "stripe"
import { type Harness, startHarness } from "./helpers"

/** A request to the simulator's dashboard; `form` posts as a browser would, `json` as curl with a JSON body. */
async function call(
  harness: Harness,
  method: "GET" | "POST",
  path: string,
  body?: { json?: object; form?: Record<string, string> }
): Promise<{ status: number; location: string | null; text: string; json: () => any }> {
  const headers: Record<string, string> = {}
  let encoded: string | undefined
  if (body?.json) {
    headers["Content-Type"] = "application/json"
    encoded = JSON.stringify(body.json)
  } else if (body?.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers.Accept = "text/html,application/xhtml+xml"
    encoded = new URLSearchParams(body.form).toString()
  }
  const response = await fetch(`${harness.simulator.url}${path}`, { method, headers, body: encoded, redirect: "manual" })
  const text = await response.text()
  return { status: response.status, location: response.headers.get("location"), text, json: () => JSON.parse(text) }
}

describe("Stripe simulator: the dashboard over HTTP (/_simulator)", () => {
  let harness: Harness

  beforeEach(async () => {
    harness = await startHarness()
  })

  afterEach(async () => {
    await harness.close()
  })

  async function redirectingIntent(): Promise<Stripe.PaymentIntent> {
    return harness.stripe.paymentIntents.create({
      amount: 1999,
      currency: "eur",
      payment_method_types: ["ideal"],
      payment_method: "pm_ideal",
      return_url: "https://shop.test/checkout/return?cart=cart_1",
      confirm: true,
    })
  }

  async function paidCard(): Promise<Stripe.PaymentIntent> {
    return harness.stripe.paymentIntents.create({
      amount: 5000,
      currency: "eur",
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
    })
  }

  it("lists its actions at /_simulator/help and answers 404 with a JSON reason for an unknown one", async () => {
    const help = await call(harness, "GET", "/_simulator/help")
    expect(help.status).toBe(200)
    const paths = help.json().actions.map((action: { method: string; path: string }) => `${action.method} ${action.path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        "POST /_simulator/payment_intents/:id/succeed",
        "POST /_simulator/payment_intents/:id/refund",
        "POST /_simulator/events/:id/resend",
        "GET /_simulator/redirect/:id",
      ])
    )
    const unknown = await call(harness, "POST", "/_simulator/payment_intents/pi_1/teleport")
    expect(unknown.status).toBe(404)
    expect(unknown.json().error.message).toMatch(/No simulator dashboard action for POST/)
  })

  it("the redirect page authorizes the payment and sends the customer back to return_url like Stripe", async () => {
    const intent = await redirectingIntent()
    const redirectUrl = intent.next_action?.redirect_to_url?.url
    expect(redirectUrl).toBe(`${harness.simulator.url}/_simulator/redirect/${intent.id}`)

    const pageAnswer = await call(harness, "GET", `/_simulator/redirect/${intent.id}`)
    expect(pageAnswer.status).toBe(200)
    expect(pageAnswer.text).toContain("Authorize test payment")
    expect(pageAnswer.text).toContain("Fail test payment")

    const authorized = await call(harness, "POST", `/_simulator/redirect/${intent.id}`, { form: { result: "authorize" } })
    expect(authorized.status).toBe(303)
    const back = new URL(authorized.location ?? "")
    expect(`${back.origin}${back.pathname}`).toBe("https://shop.test/checkout/return")
    expect(Object.fromEntries(back.searchParams)).toEqual({
      cart: "cart_1",
      payment_intent: intent.id,
      payment_intent_client_secret: intent.client_secret,
      redirect_status: "succeeded",
    })
    expect(harness.simulator.paymentIntent(intent.id)).toMatchObject({ status: "succeeded", amount_received: 1999 })
    await harness.simulator.idle()
    expect(harness.receiver.events().map((event) => event.type)).toContain("payment_intent.succeeded")

    const again = await call(harness, "POST", `/_simulator/redirect/${intent.id}`, { json: { result: "authorize" } })
    expect(again.status).toBe(400)
    expect(again.json().error.message).toMatch(/only processing or requires_action intents are pending/)
  })

  it("the redirect page's Fail button returns with redirect_status=failed and the intent needs a new payment method", async () => {
    const intent = await redirectingIntent()
    const failed = await call(harness, "POST", `/_simulator/redirect/${intent.id}`, { form: { result: "fail" } })
    expect(failed.status).toBe(303)
    expect(new URL(failed.location ?? "").searchParams.get("redirect_status")).toBe("failed")
    expect(harness.simulator.paymentIntent(intent.id)?.status).toBe("requires_payment_method")
    const bad = await call(harness, "POST", `/_simulator/redirect/${intent.id}`, { json: { result: "maybe" } })
    expect(bad.status).toBe(400)
    expect(bad.json().error.message).toMatch(/authorize or fail/)
  })

  it("settles or fails async payments and 3-D Secure over HTTP", async () => {
    const debit = await harness.stripe.paymentIntents.create({
      amount: 3000,
      currency: "eur",
      payment_method_types: ["sepa_debit"],
      confirm: true,
    })
    expect(debit.status).toBe("processing")
    const settled = await call(harness, "POST", `/_simulator/payment_intents/${debit.id}/succeed`)
    expect(settled.status).toBe(200)
    expect(settled.json()).toMatchObject({ id: debit.id, status: "succeeded" })

    const secure = await harness.stripe.paymentIntents.create({
      amount: 3000,
      currency: "eur",
      payment_method: "pm_card_authenticationRequired",
      payment_method_types: ["card"],
      confirm: true,
    })
    const failed = await call(harness, "POST", `/_simulator/payment_intents/${secure.id}/fail`)
    expect(failed.json()).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "payment_intent_authentication_failure" },
    })
    const missing = await call(harness, "POST", "/_simulator/payment_intents/pi_missing/succeed")
    expect(missing.status).toBe(404)
    expect(missing.json().error).toMatchObject({ code: "resource_missing", message: "No such payment_intent: 'pi_missing'" })
  })

  it("refunds partially from the dashboard (JSON), then the rest; rejects a bad amount with a 400", async () => {
    const intent = await paidCard()
    const partial = await call(harness, "POST", `/_simulator/payment_intents/${intent.id}/refund`, { json: { amount: 1200 } })
    expect(partial.status).toBe(200)
    expect(partial.json()).toMatchObject({ object: "refund", amount: 1200, payment_intent: intent.id })
    const rest = await call(harness, "POST", `/_simulator/payment_intents/${intent.id}/refund`)
    expect(rest.json()).toMatchObject({ amount: 3800 })
    const bad = await call(harness, "POST", `/_simulator/payment_intents/${intent.id}/refund`, { json: { amount: "-3" } })
    expect(bad.status).toBe(400)
    expect(bad.json().error.message).toMatch(/amount must be a positive integer/)
    const refunds = await harness.stripe.refunds.list({ payment_intent: intent.id })
    expect(refunds.data.map((refund) => refund.amount)).toEqual([3800, 1200])
  })

  it("opens a dispute, moves it under review, and wins it; a closed dispute cannot move again", async () => {
    const intent = await paidCard()
    const opened = await call(harness, "POST", `/_simulator/payment_intents/${intent.id}/dispute`, {
      json: { reason: "product_not_received" },
    })
    expect(opened.json()).toMatchObject({ object: "dispute", status: "needs_response", reason: "product_not_received" })
    const disputeId = opened.json().id
    await call(harness, "POST", `/_simulator/disputes/${disputeId}`, { json: { status: "under_review" } })
    const won = await call(harness, "POST", `/_simulator/disputes/${disputeId}`, { json: { status: "won" } })
    expect(won.json()).toMatchObject({ id: disputeId, status: "won" })
    const listed = await call(harness, "GET", "/_simulator/disputes")
    expect(listed.json().data).toEqual([expect.objectContaining({ id: disputeId, status: "won" })])
    const closed = await call(harness, "POST", `/_simulator/disputes/${disputeId}`, { json: { status: "lost" } })
    expect(closed.status).toBe(400)
    const types = harness.simulator.events.map((event) => event.type)
    expect(types).toEqual(expect.arrayContaining(["charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"]))
  })

  it("lists events with their delivery attempts and statuses, and resends one (same id) to the endpoint", async () => {
    harness.receiver.answerNext(500)
    const intent = await paidCard()
    await harness.simulator.idle()
    const events = await call(harness, "GET", "/_simulator/events?limit=50")
    const created = events
      .json()
      .data.find((event: { type: string; object_id: string }) => event.type === "payment_intent.created")
    expect(created).toMatchObject({ object_id: intent.id, deliveries: [{ status: 500, attempt: 1 }, { status: 200, attempt: 2 }] })
    const deliveries = await call(harness, "GET", "/_simulator/deliveries?limit=2")
    expect(deliveries.json().data).toHaveLength(2)

    const resent = await call(harness, "POST", `/_simulator/events/${created.id}/resend`)
    expect(resent.json()).toEqual({ resent: created.id, type: "payment_intent.created" })
    await harness.simulator.idle()
    expect(harness.receiver.events().filter((event) => event.id === created.id)).toHaveLength(3)
    const unknown = await call(harness, "POST", "/_simulator/events/evt_missing/resend")
    expect(unknown.status).toBe(404)
  })

  it("fails the next calls to an API path on request, with * matching one path segment", async () => {
    const intent = await harness.stripe.paymentIntents.create({ amount: 1000, currency: "eur", payment_method_types: ["card"] })
    const injected = await call(harness, "POST", "/_simulator/fail_next", {
      json: { path: "/v1/payment_intents/*/confirm", count: 1, mode: "error" },
    })
    expect(injected.json()).toEqual({ pending_failures: 1 })
    await expect(harness.stripe.paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" })).rejects.toMatchObject({
      statusCode: 500,
      type: "StripeAPIError",
    })
    expect((await harness.stripe.paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" })).status).toBe("succeeded")
    const bad = await call(harness, "POST", "/_simulator/fail_next", { json: { path: "/v1/refunds", mode: "explode" } })
    expect(bad.status).toBe(400)
    expect(bad.json().error.message).toMatch(/mode must be one of error, error_after_effect, timeout/)
  })

  it("serves an HTML page listing payment intents with their action buttons; a browser's form post comes back to it", async () => {
    const paid = await paidCard()
    const pending = await redirectingIntent()
    await harness.simulator.idle()
    const page = await call(harness, "GET", "/_simulator")
    expect(page.status).toBe(200)
    expect(page.text).toContain(paid.id)
    expect(page.text).toContain(`action="/_simulator/payment_intents/${paid.id}/refund"`)
    expect(page.text).toContain(`action="/_simulator/payment_intents/${pending.id}/succeed"`)
    expect(page.text).toMatch(/payment_intent\.succeeded/)
    expect(page.text).toMatch(/class="ok">200 \(#1\)/)

    const posted = await call(harness, "POST", `/_simulator/payment_intents/${pending.id}/succeed`, { form: {} })
    expect(posted.status).toBe(303)
    expect(posted.location).toBe("/_simulator")
    expect(harness.simulator.paymentIntent(pending.id)?.status).toBe("succeeded")
  })
})
