import http from "node:http"
import { hmacValidator, Types } from "@adyen/api-library"
import { ADYEN_SIMULATOR_DEFAULTS, EventCode, startAdyenSimulator, type AdyenSimulator, type NotificationRequest } from ".."

const { apiKey, merchantAccount, hmacKey } = ADYEN_SIMULATOR_DEFAULTS

/** A webhook receiver that answers `statuses` in turn (then 200) and keeps every body. */
async function receiver(statuses: number[] = []) {
  const bodies: NotificationRequest[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on("data", (chunk) => chunks.push(chunk))
    request.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()))
      response.writeHead(statuses.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as { port: number }
  return { bodies, url: `http://127.0.0.1:${port}/hooks`, close: () => new Promise((resolve) => server.close(resolve)) }
}

/** Creates a session as the provider would, through the simulator's HTTP API. */
async function createSession(sim: AdyenSimulator, reference: string, extra: object = {}): Promise<{ id: string }> {
  const response = await fetch(`${sim.checkoutEndpoint}/sessions`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ merchantAccount, reference, returnUrl: "https://shop.example", amount: { value: 1000, currency: "EUR" }, ...extra }),
  })
  expect(response.status).toBe(201)
  return response.json()
}

/** Every field name the library's model declares, for a runtime check of what the simulator sends. */
const declared = (model: { attributeTypeMap: Array<{ name: string }> }) => new Set(model.attributeTypeMap.map((attribute) => attribute.name))

describe("Adyen simulator", () => {
  let sim: AdyenSimulator

  beforeEach(async () => {
    sim = await startAdyenSimulator({ apiKey, delivery: { retryDelaysMs: [20, 20] } })
  })

  afterEach(async () => {
    await sim.stop()
  })

  it("sends notifications whose fields are exactly those of the library's notification models, signed per item", async () => {
    const hook = await receiver()
    sim.setEndpoints([{ url: hook.url, hmacKey }])
    const session = await createSession(sim, "payses_types")
    sim.pay(session.id)
    await sim.idle()
    await hook.close()

    const [body] = hook.bodies
    const notification = Types.notification
    expect(Object.keys(body).filter((key) => !declared(notification.Notification).has(key))).toEqual([])
    const item = body.notificationItems[0].NotificationRequestItem
    expect(Object.keys(body.notificationItems[0])).toEqual(["NotificationRequestItem"])
    expect(Object.keys(item).filter((key) => !declared(notification.NotificationRequestItem).has(key))).toEqual([])
    expect(Object.keys(item.amount).filter((key) => !declared(notification.Amount).has(key))).toEqual([])
    expect(Object.values(notification.NotificationRequestItem.EventCodeEnum)).toContain(item.eventCode)
    expect(Object.values(notification.NotificationRequestItem.SuccessEnum)).toContain(item.success)
    expect(item).toMatchObject({ merchantReference: "payses_types", amount: { value: 1000, currency: "EUR" } })
    expect(new hmacValidator().validateHMAC(item, hmacKey)).toBe(true)
  })

  it("retries a notification Adyen's way until it is accepted", async () => {
    const hook = await receiver([500, 503])
    sim.setEndpoints([{ url: hook.url, hmacKey }])
    sim.pay((await createSession(sim, "payses_retry")).id)
    await sim.idle()
    await hook.close()

    expect(sim.deliveries.map((delivery) => [delivery.status, delivery.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ])
    expect(new Set(hook.bodies.map((body) => JSON.stringify(body))).size).toBe(1)
  })

  it("sends held items as one batch request, each item signed on its own", async () => {
    const hook = await receiver()
    sim.setEndpoints([{ url: hook.url, hmacKey }])
    sim.setDelivery({ batch: true })
    sim.holdNotifications()
    sim.pay((await createSession(sim, "payses_a")).id)
    sim.pay((await createSession(sim, "payses_b")).id)
    await sim.idle()
    expect(hook.bodies).toHaveLength(0)
    sim.releaseNotifications()
    await sim.idle()
    await hook.close()

    expect(hook.bodies).toHaveLength(1)
    const items = hook.bodies[0].notificationItems.map((entry) => entry.NotificationRequestItem)
    expect(items.map((item) => item.merchantReference)).toEqual(["payses_a", "payses_b"])
    expect(items.every((item) => new hmacValidator().validateHMAC(item, hmacKey))).toBe(true)
  })

  it("shuffled held notifications go out one request each, all of them", async () => {
    const hook = await receiver()
    sim.setEndpoints([{ url: hook.url, hmacKey }])
    sim.setDelivery({ shuffle: true })
    sim.holdNotifications()
    for (const reference of ["payses_1", "payses_2", "payses_3"]) {
      sim.pay((await createSession(sim, reference)).id)
    }
    sim.releaseNotifications()
    await sim.idle()
    await hook.close()

    expect(hook.bodies.map((body) => body.notificationItems.length)).toEqual([1, 1, 1])
    const references = hook.bodies.map((body) => body.notificationItems[0].NotificationRequestItem.merchantReference)
    expect(references.sort()).toEqual(["payses_1", "payses_2", "payses_3"])
  })

  it("the shopper-pays switch over HTTP pays a session like Drop-in", async () => {
    const session = await createSession(sim, "payses_http")
    const response = await fetch(`http://127.0.0.1:${sim.port}/simulator/sessions/${session.id}/pay`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ outcome: "refused" }),
    })
    const { pspReference } = await response.json()
    expect(sim.payment(pspReference)).toMatchObject({ merchantReference: "payses_http", authorised: false })
    expect(sim.notifications[0]).toMatchObject({ eventCode: EventCode.Authorisation, success: "false", reason: "Refused" })
  })

  it("captures, refunds and cancels answer `received` and notify the outcome", async () => {
    const session = await createSession(sim, "payses_mod", { additionalData: { manualCapture: "true" } })
    const psp = sim.pay(session.id)
    const post = (path: string, body: object) =>
      fetch(`${sim.checkoutEndpoint}/payments/${psp}/${path}`, {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({ merchantAccount, ...body }),
      })

    const capture = await post("captures", { amount: { value: 1000, currency: "EUR" }, reference: "payses_mod" })
    expect(capture.status).toBe(201)
    expect(await capture.json()).toMatchObject({ status: "received", paymentPspReference: psp })
    await post("refunds", { amount: { value: 2000, currency: "EUR" } })
    const cancel = await post("cancels", {})

    expect(cancel.status).toBe(201)
    expect(sim.notifications.map((item) => [item.eventCode, item.success])).toEqual([
      [EventCode.Authorisation, "true"],
      [EventCode.Capture, "true"],
      [EventCode.Refund, "false"],
      [EventCode.Cancellation, "false"],
    ])
    expect(sim.payment(psp)).toMatchObject({ captured: 1000, refunded: 0, canceled: false })
  })

  it("answers Adyen's error bodies: 401 without the API key, 422 for an unknown payment", async () => {
    const unauthorized = await fetch(`${sim.checkoutEndpoint}/sessions`, { method: "POST", body: "{}" })
    expect(unauthorized.status).toBe(401)
    expect(await unauthorized.json()).toMatchObject({ status: 401, errorType: "security" })
    const unknown = await fetch(`${sim.checkoutEndpoint}/payments/NOPE/captures`, {
      method: "POST",
      headers: { "x-api-key": apiKey },
      body: JSON.stringify({ merchantAccount }),
    })
    expect(unknown.status).toBe(422)
    expect(await unknown.json()).toMatchObject({ errorCode: "167" })
  })
})
