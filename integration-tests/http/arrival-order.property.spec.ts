import type { IPaymentModuleService, MedusaContainer, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import fc from "fast-check"
import type Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import {
  batchShape,
  deliver,
  describeDeliveries,
  paymentIntentEventsSince,
  scheduleBatch,
  settleInbox,
  type BatchShape,
  type RawPostApi,
  type ScheduledDelivery,
} from "../helpers/arrival-order"
import { createCartReadyForPayment, getCartOrder, seedForTests } from "../helpers/store-flow"
import { useStripeSimulator, type StripeHarness } from "../helpers/stripe-harness"

jest.setTimeout(600 * 1000)

/** Runs per property; ARRIVAL_ORDER_RUNS overrides it (e.g. 50 for a long soak). */
const NUM_RUNS = Number(process.env.ARRIVAL_ORDER_RUNS || 2)

const harness = useStripeSimulator({
  PAYMENT_WEBHOOKS_RETRY_BASE_DELAY_MS: "50",
  PAYMENT_WEBHOOKS_RETRY_MAX_DELAY_MS: "200",
  PAYMENT_WEBHOOKS_PROCESSING_LEASE_MS: "5000",
})

/** A partial refund made in the Stripe dashboard: 12.34 of the 35.00 EUR cart. */
const DASHBOARD_REFUND_CENTS = 1234
/** A partial capture made by the merchant (e.g. one item could not ship): 20.00 of the 35.00 EUR cart. */
const PARTIAL_CAPTURE_CENTS = 2000
/** Where the redirect payment methods send the customer back to (never opened: the tests authorize directly). */
const RETURN_URL = "http://localhost:8000/checkout/return"

type Stage = (pi: string) => Promise<unknown>

/** A purchase as it happens in Stripe, stage by stage, and what Medusa must end with. */
interface Scenario {
  name: string
  providerId: string
  /** The route segment Stripe delivers to. */
  route: string
  stages: Stage[]
  /** Captures made in Stripe by the shop or the dashboard (Medusa must never add one). */
  stripeCaptures: number
  /** What Stripe captured, in cents, when not the whole cart. */
  capturedCents?: number
  /** Refunds made in the Stripe dashboard, in cents. */
  dashboardRefundsCents: number[]
}

function scenarios(h: StripeHarness): Scenario[] {
  const confirmCard = (pi: string, extra: Partial<Stripe.PaymentIntentConfirmParams> = {}) =>
    h.stripe.paymentIntents.confirm(pi, { payment_method: "pm_card_visa", ...extra })
  const capture = (pi: string) => h.stripe.paymentIntents.capture(pi)
  const card = { providerId: "pp_stripe_stripe", route: "stripe_stripe", dashboardRefundsCents: [] }
  return [
    {
      ...card,
      name: "card, manual capture, captured later in Stripe",
      stages: [confirmCard, capture],
      stripeCaptures: 1,
    },
    {
      ...card,
      name: "card, automatic capture (only succeeded)",
      stages: [(pi) => confirmCard(pi, { capture_method: "automatic" })],
      stripeCaptures: 0,
    },
    {
      name: "Bancontact: redirect (requires_action), then succeeded",
      providerId: "pp_stripe-bancontact_stripe",
      route: "stripe-bancontact_stripe",
      stages: [(pi) => h.stripe.paymentIntents.confirm(pi, { payment_method: "pm_bancontact", return_url: RETURN_URL }), (pi) => h.sim.succeedPending(pi)],
      stripeCaptures: 0,
      dashboardRefundsCents: [],
    },
    {
      ...card,
      name: "card declined, then paid with another card and captured",
      stages: [
        (pi) =>
          confirmCard(pi, { payment_method: "pm_card_chargeDeclined" }).then(
            () => {
              throw new Error("pm_card_chargeDeclined was not declined")
            },
            (error: { type?: string }) => expect(error.type).toBe("StripeCardError")
          ),
        confirmCard,
        capture,
      ],
      stripeCaptures: 1,
    },
    {
      ...card,
      name: "card captured and partly refunded in the dashboard (refund may arrive before the capture)",
      stages: [confirmCard, (pi) => capture(pi).then(() => h.sim.refundFromDashboard(pi, DASHBOARD_REFUND_CENTS))],
      stripeCaptures: 1,
      dashboardRefundsCents: [DASHBOARD_REFUND_CENTS],
    },
    {
      ...card,
      name: "card, partially captured in Stripe (20.00 of 35.00), all events delivered after the capture",
      stages: [(pi) => confirmCard(pi).then(() => h.stripe.paymentIntents.capture(pi, { amount_to_capture: PARTIAL_CAPTURE_CENTS }))],
      stripeCaptures: 1,
      capturedCents: PARTIAL_CAPTURE_CENTS,
    },
    {
      ...card,
      name: "card, partially captured in Stripe (20.00 of 35.00), then partly refunded",
      stages: [
        confirmCard,
        (pi) =>
          h.stripe.paymentIntents
            .capture(pi, { amount_to_capture: PARTIAL_CAPTURE_CENTS })
            .then(() => h.sim.refundFromDashboard(pi, DASHBOARD_REFUND_CENTS)),
      ],
      stripeCaptures: 1,
      capturedCents: PARTIAL_CAPTURE_CENTS,
      dashboardRefundsCents: [DASHBOARD_REFUND_CENTS],
    },
  ]
}

/** How fast-check varies one purchase: per stage, whether its events are delivered right after it, and the batch shapes. */
interface DeliveryChoice {
  flushAfterStage: boolean[]
  shapes: BatchShape[]
}

const deliveryChoice = (stages: number, maxEventsPerPurchase: number): fc.Arbitrary<DeliveryChoice> =>
  fc.record({
    flushAfterStage: fc.array(fc.boolean(), { minLength: stages, maxLength: stages }),
    shapes: fc.array(batchShape(maxEventsPerPurchase), { minLength: stages, maxLength: stages }),
  })

/** Figures per scenario for the closing note. */
interface Figures {
  purchases: number
  deliveries: number
  duplicates: number
  orders: number
  medusaCaptures: number
  refunds: number
  retriedRows: number
  supersededRows: number
  /** Milliseconds from the last delivery's answer to every row finished. */
  settleMs: number[]
  errorsSeen: Set<string>
}

const figures = new Map<string, Figures>()

function figuresOf(name: string): Figures {
  if (!figures.has(name)) {
    figures.set(name, {
      purchases: 0,
      deliveries: 0,
      duplicates: 0,
      orders: 0,
      medusaCaptures: 0,
      refunds: 0,
      retriedRows: 0,
      supersededRows: 0,
      settleMs: [],
      errorsSeen: new Set(),
    })
  }
  return figures.get(name)!
}

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeedResult
    const container = (): MedusaContainer => getContainer()
    const rawApi = api as unknown as RawPostApi

    beforeAll(async () => {
      seed = await seedForTests(container())
    })

    beforeEach(() => {
      harness.sim.setEndpoints([])
      harness.sim.setDelivery({})
    })

    afterAll(() => {
      const lines = [...figures.entries()].map(
        ([name, f]) =>
          `${name}: ${f.purchases} purchases, ${f.deliveries} deliveries (${f.duplicates} duplicates), ` +
          `${f.orders} orders, ${f.medusaCaptures} captures, ${f.refunds} refunds, ` +
          `${f.retriedRows} rows needed a retry, ${f.supersededRows} superseded, ` +
          `settled in ${median(f.settleMs)} ms median (max ${Math.max(...f.settleMs)})` +
          (f.errorsSeen.size ? `; retried after: ${[...f.errorsSeen].join(" | ")}` : "")
      )
      console.info(`arrival-order figures:\n${lines.join("\n")}`)
    })

    /** The storefront's checkout up to the payment session, and the events it produced (payment_intent.created). */
    async function startPurchase(scenario: Scenario) {
      const before = harness.sim.events.length
      const ready = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: scenario.providerId })
      const paymentIntentId = (ready.paymentSession.data as { id: string }).id
      return { ...ready, paymentIntentId, events: paymentIntentEventsSince(harness.sim, before, paymentIntentId) }
    }

    /** Runs one stage in Stripe and returns the events it produced about the PaymentIntent. */
    async function runStage(stage: Stage, paymentIntentId: string): Promise<Stripe.Event[]> {
      const before = harness.sim.events.length
      await stage(paymentIntentId)
      return paymentIntentEventsSince(harness.sim, before, paymentIntentId)
    }

    /**
     * One purchase: runs the scenario's stages in Stripe with delivery off, and delivers the events
     * itself as `choice` says (batches, order, duplicates, overlap), then drives the inbox to rest
     * and checks the end state.
     */
    async function purchaseWithChosenDelivery(scenario: Scenario, choice: DeliveryChoice) {
      const purchase = await startPurchase(scenario)
      const produced: Stripe.Event[] = [...purchase.events]
      const log: ScheduledDelivery[][] = []
      let pending: Stripe.Event[] = [...purchase.events]
      for (const [index, stage] of scenario.stages.entries()) {
        const events = await runStage(stage, purchase.paymentIntentId)
        produced.push(...events)
        pending.push(...events)
        const last = index === scenario.stages.length - 1
        if (last || choice.flushAfterStage[index]) {
          const deliveries = scheduleBatch(pending, produced, choice.shapes[index])
          log.push(deliveries)
          pending = []
          await deliver(rawApi, deliveries, scenario.route)
          if (!last) {
            await settleInbox(container(), purchase.paymentSession.id, produced.length)
          }
        }
      }
      const description = log.map(describeDeliveries).join(" || ")
      await expectEndState(scenario, purchase, produced, log.flat(), description)
    }

    async function expectEndState(
      scenario: Scenario,
      purchase: Awaited<ReturnType<typeof startPurchase>>,
      produced: Stripe.Event[],
      deliveries: ScheduledDelivery[],
      description: string,
      figuresName = scenario.name
    ) {
      const context = `${scenario.name}\n  deliveries: ${description}`
      const settleStartedAt = Date.now()
      const { rows } = await settleInbox(container(), purchase.paymentSession.id, produced.length).catch((error: Error) => {
        throw new Error(`${context}\n  ${error.message}`)
      })
      const order = await getCartOrder(container(), purchase.cart.id)
      const orderCount = await countOrders(purchase.cart.id)
      const payments = (order?.payment_collections ?? []).flatMap((collection) => collection.payments ?? [])
      const payment: PaymentDTO | undefined = payments[0]
      const session = await container()
        .resolve<IPaymentModuleService>(Modules.PAYMENT)
        .retrievePaymentSession(purchase.paymentSession.id, { select: ["id", "status"] })
      const cartTotal = Number(purchase.cart.total)

      const state = {
        orders: orderCount,
        payments: payments.length,
        payment_provider: payment?.provider_id ?? null,
        captures: (payment?.captures ?? []).map((capture) => Number(capture.amount)),
        captured: !!payment?.captured_at,
        refunds: (payment?.refunds ?? []).map((refund) => Number(refund.amount)).sort(),
        session: session.status,
        stripe_captures: harness.sim.effectiveCaptures(purchase.paymentIntentId),
        rows: rows.length,
        unfinished_rows: rows.filter((row) => !["processed", "ignored"].includes(row.status)).map(rowSummary),
        deliveries: rows.reduce((sum, row) => sum + row.deliveries, 0),
      }
      const expected = {
        orders: 1,
        payments: 1,
        payment_provider: scenario.providerId,
        captures: [scenario.capturedCents === undefined ? cartTotal : scenario.capturedCents / 100],
        captured: scenario.capturedCents === undefined,
        refunds: scenario.dashboardRefundsCents.map((cents) => cents / 100).sort(),
        session: "authorized",
        stripe_captures: scenario.stripeCaptures,
        rows: new Set(produced.map((event) => event.id)).size,
        unfinished_rows: [],
        deliveries: deliveries.length,
      }
      try {
        expect(state).toEqual(expected)
        if (scenario.dashboardRefundsCents.length) {
          const refundIds = produced.filter((event) => event.type === "refund.created").map((event) => (event.data.object as { id: string }).id)
          const recordedIds = (payment?.refunds ?? []).map((refund) => ((refund as { metadata?: Record<string, unknown> | null }).metadata ?? {})?.provider_refund_id)
          expect(recordedIds.sort()).toEqual(refundIds.sort())
        }
      } catch (error) {
        const refunds = (payment?.refunds ?? []).map((refund) => ({
          amount: Number(refund.amount),
          created_at: refund.created_at,
          provider_refund_id: ((refund as { metadata?: Record<string, unknown> | null }).metadata ?? {}).provider_refund_id,
        }))
        throw new Error(
          `${context}\n  rows: ${JSON.stringify(rows.map(rowSummary))}\n  refunds: ${JSON.stringify(refunds)}\n${(error as Error).message}`
        )
      }

      const f = figuresOf(figuresName)
      f.settleMs.push(Date.now() - settleStartedAt)
      f.purchases += 1
      f.deliveries += deliveries.length
      f.duplicates += deliveries.filter((delivery) => delivery.duplicate).length
      f.orders += orderCount
      f.medusaCaptures += state.captures.length
      f.refunds += state.refunds.length
      f.retriedRows += rows.filter((row) => row.attempts > 1).length
      f.supersededRows += rows.filter((row) => row.outcome?.startsWith("superseded")).length
      rows.filter((row) => row.last_error).forEach((row) => f.errorsSeen.add(`${row.event_type}: ${row.last_error!.slice(0, 160)}`))
    }

    async function countOrders(cartId: string): Promise<number> {
      const { data } = await container()
        .resolve(ContainerRegistrationKeys.QUERY)
        .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      return data.length
    }

    describe.each(scenarios(harness).map((scenario) => [scenario.name, scenario] as const))(
      "%s",
      (_name, scenario) => {
        it(
          "ends with one order, Stripe's capture and refunds recorded once and the session authorized, " +
            "whatever the order, duplication and overlap of the deliveries",
          () =>
            fc.assert(
              fc.asyncProperty(deliveryChoice(scenario.stages.length, 8), (choice) => purchaseWithChosenDelivery(scenario, choice)),
              { numRuns: NUM_RUNS }
            )
        )
      }
    )

    describe("the simulator's own delivery, duplicating and shuffling every event", () => {
      const chosen = scenarios(harness).filter((scenario) => scenario.route === "stripe_stripe")

      it.each(chosen.map((scenario) => [scenario.name, scenario] as const))("%s", async (_name, scenario) => {
        harness.deliverTo(api.defaults.baseURL as string, scenario.route)
        harness.sim.setDelivery({ duplicate: true, shuffle: true })
        const purchase = await startPurchase(scenario)
        const produced: Stripe.Event[] = [...purchase.events]
        for (const stage of scenario.stages) {
          produced.push(...(await runStage(stage, purchase.paymentIntentId)))
        }
        await harness.sim.idle()
        const deliveries = produced.flatMap((event) => [
          { event, startMs: 0, duplicate: false },
          { event, startMs: 0, duplicate: true },
        ])
        await expectEndState(scenario, purchase, produced, deliveries, "the simulator's, each event twice, shuffled", `simulator delivery: ${scenario.name}`)
      })
    })
  },
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function rowSummary(row: PaymentWebhookEventDTO) {
  return {
    type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    deliveries: row.deliveries,
    outcome: row.outcome,
    last_error: row.last_error?.slice(0, 200) ?? null,
    updated_at: row.updated_at,
  }
}
