import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import prunePaymentWebhooksJob from "../../src/jobs/prune-payment-webhooks"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import { buildStripeEvent } from "../../src/testing/stripe-simulator"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { createCartReadyForPayment, getCartOrder, seedForTests } from "../helpers/store-flow"
import { useStripeSimulator } from "../helpers/stripe-harness"
import { inboxRowIn, signedStripeDelivery, type WebhookApi } from "../helpers/webhook-delivery"

jest.setTimeout(240 * 1000)

/**
 * What the inbox keeps and for how long. The point of this file is the `redactPayloads` option, so
 * it is on; retention runs with its default (30 days).
 */
const harness = useStripeSimulator({ PAYMENT_WEBHOOKS_REDACT_PAYLOADS: "true" })

const PERSONAL = ["shopper@example.com", "Ada Lovelace", "1 Rue de la Loi", "Brussels", "leave it with the neighbour"]

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const knex = () => getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
      harness.sim.setEndpoints([])
    })

    /** A card payment authorized at Stripe whose event carries the shopper's personal data. */
    async function authorizedWithPersonalData(): Promise<{ cartId: string; event: Stripe.Event }> {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      await harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const intent = harness.sim.paymentIntent(paymentIntentId)!
      const event = buildStripeEvent("payment_intent.amount_capturable_updated", {
        ...intent,
        receipt_email: "shopper@example.com",
        shipping: {
          name: "Ada Lovelace",
          address: { line1: "1 Rue de la Loi", city: "Brussels", postal_code: "1000", country: "BE", line2: null, state: null },
          carrier: null,
          phone: null,
          tracking_number: null,
        },
        metadata: { ...intent.metadata, delivery_note: "leave it with the neighbour" },
      })
      return { cartId: cart.id, event }
    }

    it("with redactPayloads, a processed row keeps the ids, amounts and types of its payload and no personal data", async () => {
      const { cartId, event } = await authorizedWithPersonalData()
      const answer = await signedStripeDelivery(api as WebhookApi, event).post()
      expect(answer.status).toBe(200)

      const row = await inboxRowIn(getContainer(), answer.data.id!, ["processed", "failed", "dead"])
      expect(row.status).toBe("processed")
      expect(await getCartOrder(getContainer(), cartId)).not.toBeNull()
      const stored = JSON.stringify(row.payload)
      for (const personal of PERSONAL) {
        expect(stored).not.toContain(personal)
      }
      expect(row.payload).toMatchObject({
        redacted: true,
        action: "authorized",
        data: { event_id: event.id, event_type: event.type, session_id: row.session_id },
        event: { id: event.id, type: event.type, data: { object: { id: (event.data.object as { id: string }).id, amount: (event.data.object as { amount: number }).amount } } },
      })
      // The row's own columns are untouched.
      expect(row).toMatchObject({ event_type: event.type, action: "authorized", currency_code: "eur" })
      expect(row.amount).toBeGreaterThan(0)
    })

    it("the retention job deletes processed and ignored rows finished over 30 days ago, with their attempts, and keeps failed, dead and recent rows", async () => {
      // Real rows: two processed purchases and one ignored delivery (a verified event about no session).
      const processed: string[] = []
      for (let index = 0; index < 2; index++) {
        const { event } = await authorizedWithPersonalData()
        const answer = await signedStripeDelivery(api as WebhookApi, event).post()
        processed.push((await inboxRowIn(getContainer(), answer.data.id!, ["processed"])).id)
      }
      const notOurs = buildStripeEvent("payment_intent.succeeded", {
        ...harness.sim.paymentIntent((await harness.stripe.paymentIntents.create({ amount: 500, currency: "eur" })).id)!,
        metadata: {},
      })
      const ignored = (await signedStripeDelivery(api as WebhookApi, notOurs).post()).data as { id: string; status: string }
      expect(ignored.status).toBe("ignored")
      const { event: recent } = await authorizedWithPersonalData()
      const recentId = (await inboxRowIn(getContainer(), (await signedStripeDelivery(api as WebhookApi, recent).post()).data.id!, ["processed"])).id
      // A row that failed for good and one waiting for a retry: kept however old, until resolved.
      const unresolved: string[] = []
      for (const [key, finish] of [
        ["evt_retention_dead", { status: "dead", error: "gave up" }],
        ["evt_retention_failed", { status: "failed", error: "will retry", retryAt: new Date(Date.now() + 3_600_000) }],
      ] as const) {
        const { event } = await inbox().recordEvent({
          provider_id: "pp_stripe_stripe", event_key: key, event_type: "payment_intent.succeeded", action: "captured",
          session_id: "payses_gone", amount: 1, currency_code: "eur", occurred_at: new Date(), payload: {}, status: "received",
        })
        const claim = await inbox().claimEvent(event.id, { worker: "retention-test" })
        await inbox().finishEvent(event.id, claim!.token, finish)
        unresolved.push(event.id)
      }

      const aged = [...processed, ignored.id, ...unresolved]
      await knex().raw(
        `UPDATE payment_webhook_event SET created_at = now() - interval '40 days', processed_at = processed_at - interval '31 days'
          WHERE id = ANY(?)`,
        [aged]
      )
      await knex().raw(`UPDATE payment_webhook_event SET created_at = now() - interval '40 days' WHERE id = ANY(?)`, [unresolved])
      const attemptsBefore = await knex().raw(`SELECT count(*)::int AS n FROM payment_webhook_attempt WHERE event_id = ANY(?)`, [processed])
      expect(attemptsBefore.rows[0].n).toBe(2)

      const summary = await prunePaymentWebhooksJob(getContainer())
      console.info(`retention: the job removed ${summary.deleted} rows (finished before ${summary.cutoff.toISOString()})`)

      expect(summary.deleted).toBe(3)
      const { rows: left } = await knex().raw(`SELECT id, status FROM payment_webhook_event WHERE id = ANY(?) ORDER BY id`, [
        [...aged, recentId],
      ])
      expect(left.map((row: { id: string }) => row.id).sort()).toEqual([...unresolved, recentId].sort())
      const attemptsAfter = await knex().raw(`SELECT count(*)::int AS n FROM payment_webhook_attempt WHERE event_id = ANY(?)`, [processed])
      expect(attemptsAfter.rows[0].n).toBe(0)
      expect((await prunePaymentWebhooksJob(getContainer())).deleted).toBe(0)
    })
  },
})
