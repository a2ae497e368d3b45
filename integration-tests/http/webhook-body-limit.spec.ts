import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import Stripe from "stripe"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import { sizedStripeEvent } from "../helpers/sized-event"
import { postUnfinishedUpload } from "../helpers/unfinished-upload"
import { signedStripeDelivery } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/** `maxBodyBytes` set through the environment, as an operator would (medusa-config.ts reads it). */
const LIMIT = 64 * 1024
const SECRET = "whsec_body_limit_test"
process.env.PAYMENT_WEBHOOKS_MAX_BODY_BYTES = String(LIMIT)
process.env.STRIPE_WEBHOOK_SECRET = SECRET

/** A server that waits for an unfinished upload never answers: fail then, rather than hang. */
const UNANSWERED_MS = 30_000

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const rowsOf = async (eventKey: string) => (await inbox().listPaymentWebhookEvents({ event_key: eventKey })).length
    /** The exact bytes of a valid event of `bytes` bytes, signed with the real Stripe SDK. */
    const signedBody = (id: string, bytes: number) => {
      const body = JSON.stringify(sizedStripeEvent(id, bytes))
      const signature = new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload: body, secret: SECRET })
      return { body: Buffer.from(body), headers: { "content-type": "application/json", "stripe-signature": signature } }
    }

    describe(`maxBodyBytes = ${LIMIT} (PAYMENT_WEBHOOKS_MAX_BODY_BYTES)`, () => {
      it("is the inbox module's option", () => {
        expect(inbox().options.maxBodyBytes).toBe(LIMIT)
      })

      it("a signed event one byte over it, declared by Content-Length -> 413 before its bytes are sent; nothing stored", async () => {
        const { body, headers } = signedBody("evt_over_declared", LIMIT + 1)
        const answer = await postUnfinishedUpload(`${api.defaults.baseURL}/hooks/payment/stripe_stripe`, {
          headers,
          declaredLength: body.length,
          body,
          send: 0,
        })
        expect(answer).toEqual({
          status: 413,
          body: { type: "payload_too_large", message: `The body is larger than the limit of ${LIMIT} bytes` },
          connection: "close",
          sent: 0,
        })
        expect(await rowsOf("evt_over_declared")).toBe(0)
      }, UNANSWERED_MS)

      it("the same event sent chunked -> 413 once its last byte passes the limit, before the body ends; nothing stored", async () => {
        const { body, headers } = signedBody("evt_over_chunked", LIMIT + 1)
        const answer = await postUnfinishedUpload(`${api.defaults.baseURL}/hooks/payment/stripe_stripe`, {
          headers,
          body,
          send: body.length,
        })
        expect(answer).toMatchObject({ status: 413, body: { type: "payload_too_large" }, connection: "close" })
        expect(await rowsOf("evt_over_chunked")).toBe(0)
      }, UNANSWERED_MS)

      it.each([
        ["one byte under it", LIMIT - 1],
        ["exactly at it", LIMIT],
      ])("a signed event %s -> 200, stored", async (_what, bytes) => {
        const eventId = `evt_${bytes}_bytes`
        const response = await signedStripeDelivery(api, sizedStripeEvent(eventId, bytes), "stripe_stripe", SECRET).post()
        expect(response.status).toBe(200)
        expect(response.data).toEqual({ id: expect.any(String), status: "ignored" })
        expect(await rowsOf(eventId)).toBe(1)
      })
    })
  },
})
