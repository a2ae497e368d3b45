import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { Knex } from "knex"
import Stripe from "stripe"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import { sizedStripeEvent } from "../helpers/sized-event"
import { postUnfinishedUpload } from "../helpers/unfinished-upload"
import { signedStripeDelivery } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

const SECRET_A = "whsec_endpoint_test_a"
const SECRET_B = "whsec_endpoint_test_b"
process.env.STRIPE_WEBHOOK_SECRET = `${SECRET_A},${SECRET_B}`

const stripe = new Stripe("sk_test_unused")

/** A server that waits for an unfinished upload never answers: fail then, rather than hang. */
const UNANSWERED_MS = 30_000

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
    const webhookUrl = (provider: string) => `${api.defaults.baseURL}/hooks/payment/${provider}`

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

      it("a 15 MiB body declared by Content-Length -> 413 payload_too_large after its first 64 kB: the rest is never sent, nothing stored", async () => {
        const head = '{"id":"evt_15mib","padding":"'
        const body = head + "x".repeat(15 * 1024 * 1024 - head.length - 2) + '"}'
        const answer = await postUnfinishedUpload(webhookUrl("stripe_stripe"), {
          headers: { "content-type": "application/json", "stripe-signature": signed(body) },
          declaredLength: 15728640,
          body: Buffer.from(body),
          send: 64 * 1024,
        })
        // The body was never completed: only a server that refused it unread could answer.
        expect(answer).toEqual({
          status: 413,
          body: { type: "payload_too_large", message: "The body is larger than the limit of 1048576 bytes" },
          connection: "close",
          sent: 64 * 1024,
        })
        expect(await rowCount()).toBe(0)
      }, UNANSWERED_MS)

      it("a chunked body (no Content-Length) -> 413 payload_too_large once it passes 1 MiB, before it ends; nothing stored", async () => {
        const head = '{"id":"evt_chunked","padding":"'
        const body = Buffer.from(head + "x".repeat(2 * 1024 * 1024) + '"}')
        const answer = await postUnfinishedUpload(webhookUrl("stripe_stripe"), {
          headers: { "content-type": "application/json", "stripe-signature": signed(body.toString()) },
          body,
          send: 1024 * 1024 + 64 * 1024,
        })
        expect(answer).toMatchObject({ status: 413, body: { type: "payload_too_large" }, connection: "close" })
        expect(answer.sent).toBeLessThan(body.length)
        expect(await rowCount()).toBe(0)
      }, UNANSWERED_MS)

      it("a 200 kB body is under the limit (Medusa's 100 kB default does not apply): it reaches verification", async () => {
        const body = JSON.stringify({ id: "evt_200k", padding: "x".repeat(200 * 1024) })
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body, "whsec_wrong") })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_signature")
      })

      it("a signed body that is not JSON, sent as text/plain, reaches the provider -> 400 invalid_payload", async () => {
        const body = "this is not an event"
        const response = await post("stripe_stripe", body, { "content-type": "text/plain", "stripe-signature": signed(body) })
        expect(response.status).toBe(400)
        expect(response.data.type).toBe("invalid_payload")
        expect(await rowCount()).toBe(0)
      })

      it("a media type providers do not send -> 415 unsupported_media_type", async () => {
        const body = "<event/>"
        const response = await post("stripe_stripe", body, { "content-type": "application/xml", "stripe-signature": signed(body) })
        expect(response.status).toBe(415)
        expect(response.data.type).toBe("unsupported_media_type")
        expect(await rowCount()).toBe(0)
      })
    })

    describe("failures after verification: 503 unavailable (the provider retries), never 400", () => {
      it("the provider fails after verifying (an unexpected error mapping a signed event) -> 503 unavailable, nothing stored", async () => {
        // Signed with our secret, so it verifies; the intent has no currency, which the mapping cannot handle.
        const body = JSON.stringify({
          id: "evt_without_currency",
          object: "event",
          type: "payment_intent.succeeded",
          created: Math.floor(Date.now() / 1000),
          api_version: "2024-06-20",
          livemode: false,
          data: {
            object: {
              id: "pi_without_currency",
              object: "payment_intent",
              amount: 1000,
              amount_received: 1000,
              metadata: { session_id: "payses_without_currency" },
              status: "succeeded",
            },
          },
        })
        const response = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        expect(response.status).toBe(503)
        expect(response.data).toEqual({ type: "unavailable", message: "The webhook could not be handled right now; please retry" })
        expect(await inbox().listPaymentWebhookEvents({ event_key: "evt_without_currency" })).toHaveLength(0)
      })

      it("the inbox cannot be written (a trigger refuses inserts) -> 503 unavailable, nothing stored", async () => {
        const pg = getContainer().resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
        await pg.raw(`CREATE FUNCTION test_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the inbox is closed by the test'; END $$`)
        await pg.raw(`CREATE TRIGGER test_refuse_insert BEFORE INSERT ON payment_webhook_event
          FOR EACH ROW EXECUTE FUNCTION test_refuse_insert()`)
        let response
        try {
          const body = eventWithoutSession("evt_inbox_closed")
          response = await post("stripe_stripe", body, { "stripe-signature": signed(body) })
        } finally {
          await pg.raw("DROP TRIGGER test_refuse_insert ON payment_webhook_event")
          await pg.raw("DROP FUNCTION test_refuse_insert()")
        }
        expect(response.status).toBe(503)
        expect(response.data).toEqual({ type: "unavailable", message: "The webhook could not be stored; please retry" })
        expect(await inbox().listPaymentWebhookEvents({ event_key: "evt_inbox_closed" })).toHaveLength(0)
      })
    })

    describe("verified deliveries", () => {
      it("a signed 900 kB event -> 200 with the default options, stored", async () => {
        const response = await signedStripeDelivery(api, sizedStripeEvent("evt_900k", 900 * 1024), "stripe_stripe", SECRET_A).post()
        expect(response.status).toBe(200)
        expect(response.data).toEqual({ id: expect.any(String), status: "ignored" })
        expect(await inbox().retrieveEvent(response.data.id!)).toMatchObject({ event_key: "evt_900k", status: "ignored" })
      })

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
