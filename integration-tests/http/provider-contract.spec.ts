import { randomUUID } from "node:crypto"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { MedusaError } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { RecordWebhookEventInput } from "../../src/modules/payment-webhooks/types"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { signBatchItem, type BatchItem } from "../helpers/batch-provider"
import { useStripeSimulator } from "../helpers/stripe-harness"
import { completeCart, countCartOrders, createCartReadyForPayment, seedForTests } from "../helpers/store-flow"

jest.setTimeout(240 * 1000)

const BATCH_SECRET = "batch_test_secret"
const harness = useStripeSimulator({ PAYMENT_WEBHOOKS_TEST_BATCH_SECRET: BATCH_SECRET })

type ItemAnswer = { id: string; status: string }
type BatchAnswer = { items?: ItemAnswer[]; type?: string; message?: string }

/** An unsigned batch item about `sessionId` (major units). */
const item = (type: string, sessionId: string | null, amount = 10.5): BatchItem => ({
  id: `batchevt_${randomUUID()}`,
  type,
  session_id: sessionId,
  amount,
  currency_code: "EUR",
  occurred_at: new Date().toISOString(),
})

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const inbox = () => getContainer().resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const rowsWithKeys = (keys: string[]) => inbox().listPaymentWebhookEvents({ event_key: keys }, { order: { created_at: "ASC" } })
    const deliverBatch = (items: BatchItem[], provider = "batch_batch"): Promise<{ status: number; data: BatchAnswer | string }> =>
      api.post(`/hooks/payment/${provider}`, { items }, { validateStatus: () => true })

    beforeAll(async () => {
      seed = await seedForTests(getContainer())
    })

    describe("a provider with getWebhookEvents (batched deliveries)", () => {
      it("a batch of three verified items -> 200, three rows, one per item; the same batch again adds nothing", async () => {
        const items = [
          item("payment.authorised", "payses_batch_one", 10.5),
          item("payment.captured", "payses_batch_two", 1234),
          item("report.available", null, 0),
        ].map((unsigned) => signBatchItem(unsigned, BATCH_SECRET))

        const answer = await deliverBatch(items)

        expect(answer.status).toBe(200)
        const answered = (answer.data as BatchAnswer).items!
        expect(answered.map((entry) => entry.status)).toEqual(["received", "received", "ignored"])
        const rows = await rowsWithKeys(items.map((entry) => entry.id))
        expect(rows).toHaveLength(3)
        const byKey = new Map(rows.map((row) => [row.event_key, row]))
        items.forEach((entry, index) => {
          const row = byKey.get(entry.id)!
          expect(row.id).toBe(answered[index].id)
          expect(row).toMatchObject({ provider_id: "pp_batch_batch", event_type: entry.type, session_id: entry.session_id })
          expect(row.payload).toMatchObject({ batch: { index, size: 3 } })
        })
        expect(byKey.get(items[0].id)).toMatchObject({ action: "authorized", currency_code: "eur" })
        expect(Number(byKey.get(items[1].id)!.amount)).toBe(1234)
        expect(byKey.get(items[2].id)).toMatchObject({ action: "not_supported", status: "ignored" })

        const again = await deliverBatch(items)

        expect(again.status).toBe(200)
        expect((again.data as BatchAnswer).items).toEqual(answered.map(({ id }) => ({ id, status: "duplicate" })))
        const after = await rowsWithKeys(items.map((entry) => entry.id))
        expect(after).toHaveLength(3)
        expect(after.every((row) => row.deliveries === 2)).toBe(true)
      })

      it("one forged item refuses the whole batch: 400 invalid_signature, nothing of it stored", async () => {
        const items = [
          signBatchItem(item("payment.authorised", "payses_batch_three"), BATCH_SECRET),
          signBatchItem(item("payment.captured", "payses_batch_three"), "not_the_secret"),
          signBatchItem(item("payment.refunded", "payses_batch_three"), BATCH_SECRET),
        ]

        const answer = await deliverBatch(items)

        expect(answer.status).toBe(400)
        expect(answer.data).toMatchObject({ type: "invalid_signature" })
        expect((answer.data as BatchAnswer).message).not.toContain(BATCH_SECRET)
        expect(await rowsWithKeys(items.map((entry) => entry.id))).toHaveLength(0)

        // The same items, all genuine, are stored when the provider delivers again.
        const redelivered = await deliverBatch(items.map((entry) => signBatchItem(entry, BATCH_SECRET)))
        expect(redelivered.status).toBe(200)
        expect(await rowsWithKeys(items.map((entry) => entry.id))).toHaveLength(3)
      })

      it("a provider that asks for its own acknowledgement body gets it: 200 [accepted], the item stored", async () => {
        const items = [signBatchItem(item("payment.authorised", "payses_batch_four"), BATCH_SECRET)]

        const answer = await deliverBatch(items, "batchack_batch")

        expect(answer.status).toBe(200)
        expect(answer.data).toBe("[accepted]")
        expect(await rowsWithKeys([items[0].id])).toEqual([expect.objectContaining({ provider_id: "pp_batchack_batch" })])
      })

      it("the inbox stores a batch in one transaction: a row that cannot be written leaves none of the batch", async () => {
        const row = (status: string): RecordWebhookEventInput => ({
          provider_id: "pp_batch_batch",
          event_key: `batchevt_${randomUUID()}`,
          event_type: "payment.authorised",
          action: "authorized",
          session_id: "payses_batch_five",
          amount: 1,
          currency_code: "eur",
          occurred_at: new Date(),
          payload: {},
          status: status as RecordWebhookEventInput["status"],
        })
        const batch = [row("received"), row("received"), row("not_a_status")]

        await expect(inbox().recordEvents(batch)).rejects.toThrow()

        expect(await rowsWithKeys(batch.map((entry) => entry.event_key))).toHaveLength(0)
      })
    })

    describe("a declined card reaches the storefront as Medusa documents", () => {
      it("POST /store/carts/:id/complete -> 200 { type: cart, error: payment_authorization_error }, no order", async () => {
        harness.sim.setEndpoints([])
        const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
        const paymentIntentId = (ready.paymentSession.data as { id: string }).id
        await expect(
          harness.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" })
        ).rejects.toMatchObject({ code: "card_declined" })

        const completion = await completeCart(api, seed, ready.cart.id)

        expect(completion.status).toBe(200)
        expect(completion.data).toMatchObject({
          type: "cart",
          cart: { id: ready.cart.id },
          error: { type: MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR, message: expect.stringMatching(/declined/) },
        })
        expect(await countCartOrders(getContainer(), ready.cart.id)).toBe(0)
      })
    })
  },
})
