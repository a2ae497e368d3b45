import { startReceiver, type Receiver } from "../../stripe-simulator/__tests__/helpers"
import { payPaymentIntent, startShopStripe, waitFor, type ShopStripe } from "../index"

/** The test kit for shops, without Medusa: the simulator it starts, how it pays, and how it holds and delivers events. */
describe("shop test kit", () => {
  let shop: ShopStripe
  let app: Receiver

  beforeEach(async () => {
    shop = await startShopStripe({ webhookSecret: "whsec_shop_kit_spec", delivery: { retryDelaysMs: [20, 40] } })
    app = await startReceiver("whsec_shop_kit_spec")
    shop.deliverTo(new URL(app.url).origin, "pp_stripe_stripe")
  })

  afterEach(async () => {
    await shop.stop()
    await app.close()
  })

  const manualCardIntent = (types: string[] = ["card"], capture_method: "manual" | "automatic" = "manual") =>
    shop.stripe.paymentIntents.create({ amount: 2500, currency: "eur", capture_method, payment_method_types: types })

  it("tells the app's config where the simulator is: env and provider options agree", () => {
    const env = shop.env()
    expect(env).toEqual({
      STRIPE_API_KEY: "sk_test_local",
      STRIPE_API_HOST: "localhost",
      STRIPE_API_PORT: String(shop.simulator.port),
      STRIPE_API_PROTOCOL: "http",
      STRIPE_WEBHOOK_SECRET: "whsec_shop_kit_spec",
    })
    expect(shop.providerOptions()).toEqual({
      apiKey: "sk_test_local",
      webhookSecret: "whsec_shop_kit_spec",
      apiHost: "localhost",
      apiPort: shop.simulator.port,
      apiProtocol: "http",
    })
  })

  it("delivers signed events to the app's webhook route of the provider", async () => {
    const intent = await manualCardIntent()
    await payPaymentIntent(shop, intent.id, "card")
    await shop.idle()

    expect(app.requests.length).toBeGreaterThan(0)
    expect(new Set(shop.simulator.deliveries.map((delivery) => delivery.url))).toEqual(
      new Set([`${new URL(app.url).origin}/hooks/payment/stripe_stripe`])
    )
    expect(app.events().map((event) => event.type)).toContain("payment_intent.amount_capturable_updated")
  })

  it("pays by card, 3-D Secure (authorized or failed), redirect, and reports a decline without throwing", async () => {
    expect(await payPaymentIntent(shop, (await manualCardIntent()).id, "card")).toMatchObject({ status: "requires_capture", declined: false })
    expect(await payPaymentIntent(shop, (await manualCardIntent()).id, "3ds")).toMatchObject({ status: "requires_capture" })
    expect(await payPaymentIntent(shop, (await manualCardIntent()).id, "3ds", { action: "fail" })).toMatchObject({
      status: "requires_payment_method",
    })
    expect(await payPaymentIntent(shop, (await manualCardIntent()).id, "3ds", { action: "leave" })).toMatchObject({
      status: "requires_action",
    })
    const redirect = await manualCardIntent(["bancontact"], "automatic")
    expect(await payPaymentIntent(shop, redirect.id, "redirect")).toMatchObject({ status: "succeeded" })
    const left = await manualCardIntent(["bancontact"], "automatic")
    expect((await payPaymentIntent(shop, left.id, "redirect", { action: "leave" })).paymentIntent.next_action).toMatchObject({
      type: "redirect_to_url",
    })
    expect(await payPaymentIntent(shop, (await manualCardIntent()).id, "decline")).toMatchObject({
      status: "requires_payment_method",
      declined: true,
    })
    await expect(payPaymentIntent(shop, (await manualCardIntent()).id, "redirect")).rejects.toThrow(/no redirect method/)
  })

  it("holds events, delivers the held ones by type or all, and delivers live again after resumeDelivery", async () => {
    shop.holdEvents()
    const intent = await manualCardIntent()
    await payPaymentIntent(shop, intent.id, "card")
    await shop.idle()
    expect(app.requests).toHaveLength(0)
    expect(shop.heldEvents().map((event) => event.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
    ])

    const authorized = await shop.deliverHeldEvents("payment_intent.amount_capturable_updated")
    expect(authorized.map((event) => event.type)).toEqual(["payment_intent.amount_capturable_updated"])
    expect(app.events().map((event) => event.id)).toEqual([authorized[0].id])
    expect(shop.heldEvents()).toHaveLength(2)

    await shop.stripe.paymentIntents.capture(intent.id)
    expect(shop.heldEvents()).toHaveLength(4)
    shop.resumeDelivery()
    await shop.stripe.paymentIntents.update(intent.id, { metadata: { note: "no event" } })
    await shop.simulator.refundFromDashboard(intent.id)
    await waitFor(async () => app.events().some((event) => event.type === "charge.refunded"), { what: "the live refund event" })
    expect(shop.heldEvents()).toHaveLength(4)

    const rest = await shop.deliverHeldEvents()
    expect(rest.map((event) => event.type)).toEqual(["payment_intent.created", "charge.succeeded", "charge.captured", "payment_intent.succeeded"])
    expect(shop.heldEvents()).toEqual([])
    expect(new Set(app.events().map((event) => event.id)).size).toBe(shop.simulator.events.length)
  })

  it("waitFor returns the probe's value, or throws naming what it waited for", async () => {
    let calls = 0
    expect(await waitFor(async () => ++calls >= 3 && calls, { intervalMs: 1 })).toBe(3)
    await expect(waitFor(async () => false, { timeoutMs: 30, intervalMs: 5, what: "the impossible" })).rejects.toThrow(
      "Timed out waiting for the impossible"
    )
  })
})
