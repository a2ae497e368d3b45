import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { resolvePaymentWebhooksOptions } from "../../modules/payment-webhooks/utils/options"
import type { PaymentWebhooksOptions } from "../../modules/payment-webhooks/types"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import { processPaymentWebhookEvent } from "../process-event"
import { CHECK_FAILED, reconcilePaymentSessions } from "../reconcile"

jest.mock("../process-event", () => ({ processPaymentWebhookEvent: jest.fn(async () => "processed") }))

const MINUTE = 60_000
const processEvent = processPaymentWebhookEvent as jest.MockedFunction<typeof processPaymentWebhookEvent>

type Session = {
  id: string
  provider_id: string
  status: string
  created_at: Date
  payment_collection_id: string
  amount: number
  currency_code: string
  data: Record<string, unknown>
}

/**
 * A container with the parts the reconciler uses: Query over sessions and the two links, the
 * inbox's check and event methods, and providers whose answers the test sets. The wiring is fake;
 * the rules (which sessions, what is stored, what is recorded) are the reconciler's.
 */
function fakeApp(options: PaymentWebhooksOptions = {}) {
  const sessions: Session[] = []
  const cartOfCollection = new Map<string, string>()
  const orderedCarts = new Set<string>()
  const checks = new Map<string, { checks: number; next_check_at: Date | null; last_status: string | null }>()
  const events = new Map<string, { id: string; status: string; event_type: string }>()
  const recorded: Record<string, unknown>[] = []
  const asked: string[] = []
  const statusOf: Record<string, string | Error> = {}
  const graphCalls: string[] = []

  const query = {
    graph: jest.fn(async ({ entity, filters }: { entity: string; filters: Record<string, any> }) => {
      graphCalls.push(entity)
      if (entity === "payment_session" && filters.id) {
        return { data: sessions.filter((session) => filters.id.includes(session.id)) }
      }
      if (entity === "payment_session") {
        const { $gt, $lte } = filters.created_at
        const data = sessions
          .filter((session) => filters.status.includes(session.status) && session.provider_id !== filters.provider_id.$ne)
          .filter((session) => session.created_at > $gt && session.created_at <= $lte)
          .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
        return { data }
      }
      if (entity === "cart_payment_collection") {
        const data = filters.payment_collection_id
          .filter((id: string) => cartOfCollection.has(id))
          .map((id: string) => ({ payment_collection_id: id, cart_id: cartOfCollection.get(id) }))
        return { data }
      }
      if (entity === "order_cart") {
        return { data: filters.cart_id.filter((id: string) => orderedCarts.has(id)).map((id: string) => ({ cart_id: id })) }
      }
      throw new Error(`unexpected entity ${entity}`)
    }),
  }
  const inbox = {
    options: resolvePaymentWebhooksOptions(options),
    sessionChecksOf: jest.fn(async (ids: string[]) => new Map(ids.filter((id) => checks.has(id)).map((id) => [id, checks.get(id)!]))),
    recordSessionCheck: jest.fn(async (check: { session_id: string; last_status: string | null; next_check_at: Date }) => {
      const previous = checks.get(check.session_id)
      checks.set(check.session_id, { checks: (previous?.checks ?? 0) + 1, next_check_at: check.next_check_at, last_status: check.last_status })
    }),
    recordEvent: jest.fn(async (input: Record<string, unknown>) => {
      recorded.push(input)
      const key = `${input.provider_id} ${input.event_key}`
      const existing = events.get(key)
      if (existing) {
        return { event: existing, created: false }
      }
      const event = { id: `pwhevt_${events.size + 1}`, status: "received", event_type: String(input.event_type) }
      events.set(key, event)
      return { event, created: true }
    }),
  }
  const provider = {
    getPaymentStatus: jest.fn(async ({ data }: { data: Record<string, unknown> }) => {
      asked.push(String(data.id))
      const answer = statusOf[String(data.id)] ?? "pending"
      if (answer instanceof Error) {
        throw answer
      }
      return { status: answer, data }
    }),
  }
  const logger = { info: jest.fn(), warn: jest.fn(), debug: jest.fn(), error: jest.fn() }
  const registry: Record<string, unknown> = {
    [PAYMENT_WEBHOOKS_MODULE]: inbox,
    [ContainerRegistrationKeys.QUERY]: query,
    [ContainerRegistrationKeys.LOGGER]: logger,
    [Modules.PAYMENT]: { paymentProviderService_: { retrieveProvider: () => provider } },
  }
  const container = { resolve: (key: string) => registry[key] } as unknown as MedusaContainer

  /** A session of a cart (with an order or not), `ageMs` old, whose PaymentIntent is `pi_<n>`. */
  function addSession(ageMs: number, opts: { status?: string; ordered?: boolean; cart?: boolean; provider_id?: string } = {}) {
    const n = sessions.length + 1
    const session: Session = {
      id: `payses_${n}`,
      provider_id: opts.provider_id ?? "pp_stripe_stripe",
      status: opts.status ?? "pending",
      created_at: new Date(Date.now() - ageMs),
      payment_collection_id: `pay_col_${n}`,
      amount: 40,
      currency_code: "eur",
      data: { id: `pi_${n}` },
    }
    sessions.push(session)
    if (opts.cart !== false) {
      cartOfCollection.set(session.payment_collection_id, `cart_${n}`)
    }
    if (opts.ordered) {
      orderedCarts.add(`cart_${n}`)
    }
    return session
  }

  return { container, inbox, logger, query, provider, checks, recorded, asked, statusOf, graphCalls, addSession }
}

beforeEach(() => {
  processEvent.mockClear()
})

describe("reconcilePaymentSessions", () => {
  it("does nothing at all with reconcile: false", async () => {
    const app = fakeApp({ reconcile: false })
    app.addSession(30 * MINUTE)

    const summary = await reconcilePaymentSessions(app.container)

    expect(summary).toMatchObject({ enabled: false, checked: 0 })
    expect(app.query.graph).not.toHaveBeenCalled()
    expect(app.provider.getPaymentStatus).not.toHaveBeenCalled()
  })

  it("asks only about due sessions of carts without an order, inside the window", async () => {
    const app = fakeApp()
    const due = app.addSession(30 * MINUTE)
    app.addSession(5 * MINUTE) // younger than reconcileAfterMs
    app.addSession(8 * 24 * 60 * MINUTE) // older than the window
    app.addSession(30 * MINUTE, { ordered: true })
    app.addSession(30 * MINUTE, { cart: false }) // an order's payment collection, not a cart's
    app.addSession(30 * MINUTE, { status: "captured" })
    app.addSession(30 * MINUTE, { provider_id: "pp_system_default" })

    const summary = await reconcilePaymentSessions(app.container)

    expect(app.asked).toEqual([(due.data as { id: string }).id])
    expect(summary).toMatchObject({ enabled: true, due: 1, checked: 1, pending: 1, reconciled: 0 })
  })

  it("a pending session: records the check with the next one afterMs later, stores no event; not asked again until due", async () => {
    const app = fakeApp()
    const session = app.addSession(30 * MINUTE)
    const before = Date.now()

    await reconcilePaymentSessions(app.container)
    await reconcilePaymentSessions(app.container)

    expect(app.asked).toHaveLength(1)
    expect(app.recorded).toHaveLength(0)
    const check = app.checks.get(session.id)!
    expect(check).toMatchObject({ checks: 1, last_status: "pending" })
    expect(check.next_check_at!.getTime()).toBeGreaterThanOrEqual(before + 10 * MINUTE)
    expect(check.next_check_at!.getTime()).toBeLessThan(Date.now() + 10 * MINUTE + 1000)
  })

  it("authorized at the provider: stores reconcile:<session>:authorized with the session amount and processes it once", async () => {
    const app = fakeApp()
    const session = app.addSession(30 * MINUTE)
    app.statusOf.pi_1 = "authorized"

    const summary = await reconcilePaymentSessions(app.container)

    expect(summary).toMatchObject({ checked: 1, reconciled: 1 })
    expect(app.recorded[0]).toMatchObject({
      provider_id: "pp_stripe_stripe",
      event_key: `reconcile:${session.id}:authorized`,
      event_type: "reconciler.authorized",
      action: "authorized",
      session_id: session.id,
      amount: 40,
      currency_code: "eur",
      status: "received",
      source: "reconciler",
      payload: {
        action: "authorized",
        data: { session_id: session.id, amount: 40, currency_code: "eur", provider_status: "authorized", reconciled: true },
        event: null,
      },
    })
    expect(processEvent).toHaveBeenCalledTimes(1)
    expect(processEvent).toHaveBeenCalledWith(app.container, "pwhevt_1")
    expect(app.checks.get(session.id)).toMatchObject({ checks: 1, last_status: "authorized" })
    const line = app.logger.info.mock.calls.map(([text]) => String(text)).find((text) => text.includes('"reconciled"'))
    expect(JSON.parse(line!.replace(/^payment-webhook /, ""))).toMatchObject({
      id: "pwhevt_1",
      status: "reconciled",
      source: "reconciler",
      session_id: session.id,
      action: "authorized",
    })
  })

  it("captured at the provider: the event has no amount (the workflow captures up to the session amount)", async () => {
    const app = fakeApp()
    const session = app.addSession(30 * MINUTE)
    app.statusOf.pi_1 = "captured"

    await reconcilePaymentSessions(app.container)

    expect(app.recorded[0]).toMatchObject({ event_key: `reconcile:${session.id}:captured`, action: "captured", amount: null })
    expect((app.recorded[0].payload as { data: { amount: unknown } }).data.amount).toBeNull()
  })

  it("an event stored by an earlier run (duplicate) is not processed again", async () => {
    const app = fakeApp()
    const session = app.addSession(30 * MINUTE)
    app.statusOf.pi_1 = "authorized"
    await reconcilePaymentSessions(app.container)
    app.checks.set(session.id, { ...app.checks.get(session.id)!, next_check_at: new Date(Date.now() - 1) })

    const summary = await reconcilePaymentSessions(app.container)

    expect(summary).toMatchObject({ checked: 1, reconciled: 0, already_fed: 1 })
    expect(app.recorded).toHaveLength(2)
    expect(processEvent).toHaveBeenCalledTimes(1)
  })

  it("one bad session does not stop the run: the error is logged and recorded, the others are checked", async () => {
    const app = fakeApp()
    const bad = app.addSession(40 * MINUTE)
    const good = app.addSession(30 * MINUTE)
    app.statusOf.pi_1 = new Error("Stripe is down")
    app.statusOf.pi_2 = "authorized"

    const summary = await reconcilePaymentSessions(app.container)

    expect(summary).toMatchObject({ checked: 2, errors: 1, reconciled: 1 })
    expect(app.checks.get(bad.id)).toMatchObject({ checks: 1, last_status: CHECK_FAILED })
    expect(app.checks.get(good.id)).toMatchObject({ checks: 1, last_status: "authorized" })
    expect(app.logger.warn.mock.calls.map(([text]) => String(text)).join("\n")).toMatch(/check_failed.*Stripe is down/)
  })

  it("a failing store (recordSessionCheck, Query) never throws out of the run", async () => {
    const app = fakeApp()
    app.addSession(30 * MINUTE)
    app.inbox.recordSessionCheck.mockRejectedValueOnce(new Error("db gone"))

    await expect(reconcilePaymentSessions(app.container)).resolves.toMatchObject({ checked: 1, errors: 1 })

    app.query.graph.mockRejectedValueOnce(new Error("db still gone"))
    await expect(reconcilePaymentSessions(app.container)).resolves.toMatchObject({ checked: 0, errors: 1 })
  })

  it("takes at most reconcileBatchSize sessions, the longest due first", async () => {
    const app = fakeApp({ reconcileBatchSize: 2 })
    app.addSession(20 * MINUTE)
    app.addSession(50 * MINUTE)
    app.addSession(40 * MINUTE)

    const summary = await reconcilePaymentSessions(app.container)

    expect(summary).toMatchObject({ due: 3, checked: 2 })
    expect(app.asked.sort()).toEqual(["pi_2", "pi_3"])
  })

  it("a call while a run is going waits for it and then runs once more; concurrent callers share that run", async () => {
    const app = fakeApp()
    app.addSession(30 * MINUTE)

    const runs = await Promise.all([
      reconcilePaymentSessions(app.container),
      reconcilePaymentSessions(app.container),
      reconcilePaymentSessions(app.container),
    ])

    expect(runs[0].checked).toBe(1)
    expect(runs[1]).toBe(runs[2])
    expect(runs[1].checked).toBe(0) // the first run's check made the session not due
    expect(app.graphCalls.filter((entity) => entity === "cart_payment_collection")).toHaveLength(1)
    expect(app.asked).toHaveLength(1)
  })
})
