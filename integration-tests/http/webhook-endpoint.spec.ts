import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import Stripe from "stripe"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"

jest.setTimeout(240 * 1000)

const SECRET_A = "whsec_endpoint_test_a"
const SECRET_B = "whsec_endpoint_test_b"
process.env.STRIPE_WEBHOOK_SECRET = `${SECRET_A},${SECRET_B}`

const stripe = new Stripe("sk_test_unused")

function signed(payload: string, secret = SECRET_A, timestamp?: number) {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

function eventWithoutSession(id: string) {
  return JSON.stringify({
    id,
    object: "event",
    type: "payment_intent.succeeded",
    created: Math.floor(Date.now() / 1000),
    api_version: "2024-06-20",
    livemode: false,
    data: { object: { id: "pi_no_session", object: "payment_intent", amount: 1000, amount_received: 1000, currency: "eur", metadata: {}, status: "succeeded" } },
  })
}

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const post = (provider: string, body: string | Buffer, headers: Record<string, string>) =>
      api.post(`/hooks/payment/${provider}`, body, {
        headers: { "content-type": "application/json", ...headers },
        validateStatus: () => true,
        transformRequest: [(data: unknown) => data],
        maxBodyLength: Infinity,
      })
    const rowCount = async () => (await inbox().listPaymentWebhookEvents({})).length

    describe("refusals: a clear JSON error and nothing stored", () => {
      it("unknown provider -> 404 unknown_provider", async () => {
        const body = eventWithoutSession("evt_unknown")
        const response = await post("nope_nope", body, { "stripe-signature": signed(body) })
        expect(response.status).toBe(404)
        expect(response.data.type).toBe("unknown_provider")
        expect(await rowCount()).toBe(0)
      })

      it("signature made with a secret we do not have -> 400 invalid_signature", async () => {
        const body = eventWithoutSession("evt_bad_sig")
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body, "whsec_someone_else") })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_signature")
        expect(await rowCount()).toBe(0)
      })

      it("missing signature header -> 400 invalid_signature", async () => {
        const response = await post("stripe_stripe", eventWithoutSession("evt_no_sig"), {})
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_signature")
        expect(await rowCount()).toBe(0)
      })

      it("timestamp older than the tolerance (300 s) -> 400 invalid_signature", async () => {
        const body = eventWithoutSession("evt_old")
        const response = await post("stripe_stripe", body, {
          "stripe-signature": signed(body, SECRET_A, Math.floor(Date.now() / 1000) - 301),
        })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_signature")
        expect(await rowCount()).toBe(0)
      })

      it("body that is not JSON -> 400 invalid_payload", async () => {
        const body = "{ this is not json"
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_payload")
        expect(await rowCount()).toBe(0)
      })

      it("an empty body -> 400 invalid_payload", async () => {
        const response = await post("stripe_stripe", "", { "stripe-signature": signed("") })
        expect(response.status).toBe(400)
        expect(response.data).toEqual({ type: "invalid_payload", message: "The request has no body" })
        expect(await rowCount()).toBe(0)
      })

      it("body over the 1 MiB default limit -> 413 payload_too_large", async () => {
        const body = JSON.stringify({ id: "evt_big", padding: "x".repeat(1024 * 1024) })
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        expect(response.status).toBe(413)
        expect(response.data.type).toBe("payload_too_large")
        expect(await rowCount()).toBe(0)
      })

      it("a 200 kB body is under the limit (Medusa's 100 kB default does not apply): it reaches verification", async () => {
        const body = JSON.stringify({ id: "evt_200k", padding: "x".repeat(200 * 1024) })
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body, "whsec_wrong") })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_signature")
      })

      it("a media type providers do not send -> 415 unsupported_media_type", async () => {
        const body = "<event/>"
        const response = await post("stripe_stripe", body, { "content-type": "application/xml", "stripe-signature": signed(body) })
        expect(response.status).toBe(415)
        expect(response.data.type).toBe("unsupported_media_type")
        expect(await rowCount()).toBe(0)
      })
    })

    describe("verified deliveries", () => {
      it("an event for no session of ours -> 200 ignored, stored as ignored", async () => {
        const body = eventWithoutSession("evt_ignored_1")
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        expect(response.status).toBe(200)
        expect(response.data).toEqual({ id: expect.any(String), status: "ignored" })
        const row = await inbox().retrieveEvent(response.data.id)
        expect(row).toMatchObject({ status: "ignored", event_key: "evt_ignored_1", provider_id: "pp_stripe_stripe", deliveries: 1 })
        expect(row.payload).toMatchObject({ action: "not_supported", event: { id: "evt_ignored_1", type: "payment_intent.succeeded" } })
      })

      it("the same event twice -> one row, deliveries 2, second answer `duplicate`", async () => {
        const body = eventWithoutSession("evt_dup_1")
        const first = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        const second = await post("pp_stripe_stripe", body, { "stripe-signature": signed(body) })
        expect(first.data.status).toBe("ignored")
        expect(second.status).toBe(200)
        expect(second.data).toEqual({ id: first.data.id, status: "duplicate" })
        const rows = await inbox().listPaymentWebhookEvents({ event_key: "evt_dup_1" })
        expect(rows).toHaveLength(1)
        expect(rows[0].deliveries).toBe(2)
      })

      it("a rotated secret: events signed with either configured secret verify", async () => {
        const bodyA = eventWithoutSession("evt_rot_a")
        const bodyB = eventWithoutSession("evt_rot_b")
        const a = await post("stripe_stripe", bodyA, { "stripe-signature": signed(bodyA, SECRET_A) })
        const b = await post("stripe_stripe", bodyB, { "stripe-signature": signed(bodyB, SECRET_B) })
        expect([a.status, b.status]).toEqual([200, 200])
        expect(await rowCount()).toBe(2)
      })
    })
  },
})
