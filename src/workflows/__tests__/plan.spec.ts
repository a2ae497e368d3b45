import { BigNumber } from "@medusajs/framework/utils"
import fc from "fast-check"
import type { PaymentContext } from "../steps/resolve-payment-context"
import { decidePaymentWebhookPlan, PaymentNotRecordedYetError, paymentFacts, remainingToCapture } from "../utils/plan"

type Payment = NonNullable<PaymentContext["payment"]>
type Event = Parameters<typeof decidePaymentWebhookPlan>[0] & object

function event(action: string, overrides: Partial<Event> & { data?: Record<string, unknown> } = {}): Event {
  const { data = {}, ...rest } = overrides
  return { action, amount: null, occurred_at: null, payload: { action, data }, ...rest } as Event
}

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: "pay_1",
    amount: 100,
    captured_amount: 0,
    refunded_amount: 0,
    captured_at: null,
    canceled_at: null,
    ...overrides,
  }
}

function context(overrides: Partial<Omit<PaymentContext, "payment">> & { payment?: Payment | null } = {}): PaymentContext {
  return {
    session: {
      id: "payses_1",
      status: "pending",
      amount: 100,
      currency_code: "eur",
      provider_id: "pp_stripe_stripe",
      payment_collection_id: "pay_col_1",
    },
    payment: null,
    cart_id: "cart_1",
    order_id: null,
    ...overrides,
  }
}

/** What the workflow captures for an event on a payment that already exists: the plan's target less what is recorded. */
function captured(action: Event, current: PaymentContext): number {
  return remainingToCapture(decidePaymentWebhookPlan(action, current).capture_target, current.payment)
}

const ACTIONS = [
  "pending",
  "requires_more",
  "pending_authorization",
  "authorized",
  "captured",
  "failed",
  "canceled",
  "refunded",
  "disputed",
  "not_supported",
]

describe("decidePaymentWebhookPlan", () => {
  describe("nothing to work on", () => {
    it("does nothing for an event that was not claimed", () => {
      expect(decidePaymentWebhookPlan(null, context())).toMatchObject({
        authorize: false,
        capture_target: null,
        complete_cart: false,
        outcome: "not claimable",
      })
    })

    it("does nothing for an event without a payment session", () => {
      expect(decidePaymentWebhookPlan(event("captured"), null)).toMatchObject({
        authorize: false,
        capture_target: null,
        complete_cart: false,
        outcome: "no payment session",
      })
    })
  })

  describe("authorized", () => {
    it("authorizes the session and completes the cart when there is no payment yet", () => {
      expect(decidePaymentWebhookPlan(event("authorized", { amount: 100 }), context())).toMatchObject({
        authorize: true,
        capture_target: null,
        session_status: null,
        complete_cart: true,
        cart_id: "cart_1",
        payment_id: null,
        currency_code: "eur",
        outcome: "authorized, cart completed",
      })
    })

    it("does not authorize again when the payment exists", () => {
      const current = context({ payment: payment() })
      const plan = decidePaymentWebhookPlan(event("authorized", { amount: 100 }), current)
      expect(plan.authorize).toBe(false)
      expect(remainingToCapture(plan.capture_target, current.payment)).toBe(0)
      expect(plan.payment_id).toBe("pay_1")
    })

    it("does not capture on an authorization, even of an uncaptured payment", () => {
      expect(captured(event("authorized", { amount: 100 }), context({ payment: payment() }))).toBe(0)
    })
  })

  describe("captured", () => {
    it("authorizes first when there is no payment (automatic capture); the authorization records the capture", () => {
      const plan = decidePaymentWebhookPlan(event("captured", { amount: 100 }), context())
      expect(plan).toMatchObject({ authorize: true, capture_target: 100, complete_cart: true, payment_id: null })
      const authorizedPayment = { captures: [{ amount: 100 }], captured_at: new Date(), canceled_at: null }
      expect(remainingToCapture(plan.capture_target, paymentFacts(authorizedPayment))).toBe(0)
    })

    it("after authorizing a partially captured intent (reported authorized), captures what the provider captured", () => {
      const plan = decidePaymentWebhookPlan(event("captured", { amount: 20 }), context())
      expect(plan).toMatchObject({ authorize: true, capture_target: 20 })
      const authorizedPayment = { captures: [], captured_at: null, canceled_at: null }
      expect(remainingToCapture(plan.capture_target, paymentFacts(authorizedPayment))).toBe(20)
    })

    it("caps the target at the session amount when there is no payment yet", () => {
      expect(decidePaymentWebhookPlan(event("captured", { amount: 250 }), context()).capture_target).toBe(100)
      expect(decidePaymentWebhookPlan(event("captured"), context()).capture_target).toBe(100)
    })

    it("captures the whole payment when nothing is captured yet", () => {
      const current = context({ payment: payment() })
      const plan = decidePaymentWebhookPlan(event("captured", { amount: 100 }), current)
      expect(plan).toMatchObject({ authorize: false, capture_target: 100, payment_id: "pay_1" })
      expect(remainingToCapture(plan.capture_target, current.payment)).toBe(100)
      expect(plan.outcome).not.toContain("captured")
    })

    it("captures only the remainder Medusa has not recorded", () => {
      expect(captured(event("captured", { amount: 100 }), context({ payment: payment({ captured_amount: 40 }) }))).toBe(60)
    })

    it("captures the provider's partial amount, not the payment's", () => {
      expect(captured(event("captured", { amount: 30 }), context({ payment: payment() }))).toBe(30)
    })

    it("uses the payment amount when the event reports none", () => {
      expect(captured(event("captured"), context({ payment: payment({ captured_amount: 25 }) }))).toBe(75)
    })

    it("never captures more than the payment amount", () => {
      expect(captured(event("captured", { amount: 250 }), context({ payment: payment() }))).toBe(100)
    })

    it("captures nothing when Medusa already recorded as much as the provider reports", () => {
      expect(captured(event("captured", { amount: 40 }), context({ payment: payment({ captured_amount: 60 }) }))).toBe(0)
    })

    it("captures nothing on a fully captured or canceled payment", () => {
      const fullyCaptured = context({ payment: payment({ captured_amount: 100, captured_at: new Date() }) })
      expect(decidePaymentWebhookPlan(event("captured", { amount: 100 }), fullyCaptured).capture_target).toBeNull()
      expect(captured(event("captured", { amount: 100 }), fullyCaptured)).toBe(0)
      const canceled = context({ payment: payment({ canceled_at: new Date() }) })
      expect(decidePaymentWebhookPlan(event("captured", { amount: 100 }), canceled).capture_target).toBeNull()
      expect(captured(event("captured", { amount: 100 }), canceled)).toBe(0)
    })

    it("does not leave floating-point dust in the amount", () => {
      expect(captured(event("captured", { amount: 1.1 }), context({ payment: payment({ amount: 1.1, captured_amount: 0.2 }) }))).toBe(0.9)
    })

    it("partial captures add up to what the provider captured and never exceed the payment amount", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 100_000 }),
          fc.array(fc.integer({ min: 0, max: 150_000 }), { minLength: 1, maxLength: 8 }),
          (amountInCents, reportedInCents) => {
            const amount = amountInCents / 100
            let recorded = 0
            for (const reported of reportedInCents) {
              const capture = captured(event("captured", { amount: reported / 100 }), context({ payment: payment({ amount, captured_amount: recorded }) }))
              expect(capture).toBeGreaterThanOrEqual(0)
              recorded = Math.round((recorded + capture) * 100) / 100
              expect(recorded).toBeLessThanOrEqual(amount)
            }
            expect(recorded).toBe(Math.min(amount, Math.max(...reportedInCents) / 100))
          }
        )
      )
    })
  })

  describe("a payment that was given back", () => {
    const voided = payment({ canceled_at: new Date() })
    const refundedInFull = payment({ captured_amount: 100, refunded_amount: 100, captured_at: new Date() })

    it.each([
      ["voided", voided],
      ["refunded in full", refundedInFull],
    ])("a late authorized or captured for a %s payment completes no cart: an order nobody paid for", (_label, given) => {
      for (const action of ["authorized", "captured"]) {
        expect(decidePaymentWebhookPlan(event(action, { amount: 100 }), context({ payment: given }))).toMatchObject({
          authorize: false,
          capture_target: null,
          complete_cart: false,
          outcome: `superseded: the payment was given back (voided or refunded in full), ${action} not applied`,
        })
      }
    })

    it("a partly refunded payment still completes its cart", () => {
      const partly = payment({ captured_amount: 100, refunded_amount: 30, captured_at: new Date() })
      expect(decidePaymentWebhookPlan(event("captured", { amount: 100 }), context({ payment: partly })).complete_cart).toBe(true)
    })
  })

  describe("a canceled session", () => {
    const canceled = (payment: Payment | null = null) =>
      context({ session: { ...context().session, status: "canceled" }, payment })

    it.each(["authorized", "captured"])("supersedes a late %s: no authorization, capture or cart completion", (action) => {
      expect(decidePaymentWebhookPlan(event(action, { amount: 100 }), canceled())).toMatchObject({
        authorize: false,
        capture_target: null,
        complete_cart: false,
        session_status: null,
        outcome: `superseded: session already canceled, ${action} not applied`,
      })
    })

    it("supersedes a late capture even when a payment exists", () => {
      expect(captured(event("captured", { amount: 100 }), canceled(payment()))).toBe(0)
    })

    it("still records a refund of a canceled session's payment", () => {
      const refund = { id: "re_1", amount: 30 }
      const plan = decidePaymentWebhookPlan(event("refunded", { data: { refund } }), canceled(payment({ captured_at: new Date(), captured_amount: 100 })))
      expect(plan.refunds).toEqual([refund])
    })
  })

  describe("refunded", () => {
    const refund = { id: "re_1", amount: 30, status: "succeeded", medusa_refund_id: null }

    it("throws PaymentNotRecordedYetError before the payment exists (the event is retried)", () => {
      const decide = () => decidePaymentWebhookPlan(event("refunded", { data: { refund } }), context())
      expect(decide).toThrow(PaymentNotRecordedYetError)
      expect(decide).toThrow(/refunded event will be retried/)
    })

    it("captures an uncaptured payment before recording the refund (its captured event is still on the way)", () => {
      const current = context({ payment: payment() })
      const plan = decidePaymentWebhookPlan(event("refunded", { amount: 30, data: { refund, captured_amount: 100 } }), current)
      expect(plan).toMatchObject({ authorize: false, capture_target: 100, complete_cart: false, session_status: null })
      expect(remainingToCapture(plan.capture_target, current.payment)).toBe(100)
      expect(plan.refunds).toEqual([refund])
      expect(plan.outcome).toBe("refunds re_1")
    })

    it("captures only the provider's partial capture when the refund arrives before the captured event", () => {
      expect(captured(event("refunded", { amount: 10, data: { refund, captured_amount: 20 } }), context({ payment: payment() }))).toBe(20)
    })

    it("never captures more than the payment amount on a refund", () => {
      expect(captured(event("refunded", { data: { refund, captured_amount: 250 } }), context({ payment: payment() }))).toBe(100)
    })

    it("captures nothing when the refund event does not say what the provider captured", () => {
      const current = context({ payment: payment() })
      expect(decidePaymentWebhookPlan(event("refunded", { amount: 30, data: { refund } }), current).capture_target).toBeNull()
      expect(captured(event("refunded", { amount: 30, data: { refund } }), current)).toBe(0)
    })

    it("does not capture the released remainder of a partially captured payment", () => {
      const partiallyCaptured = context({ payment: payment({ captured_amount: 20 }) })
      const partialRefund = { id: "re_1", amount: 10 }
      expect(captured(event("refunded", { amount: 10, data: { refund: partialRefund, captured_amount: 20 } }), partiallyCaptured)).toBe(0)
      expect(captured(event("refunded", { amount: 10, data: { refund: partialRefund } }), partiallyCaptured)).toBe(0)
    })

    it("captures nothing more on a captured payment", () => {
      const current = context({ payment: payment({ captured_amount: 100, captured_at: new Date() }), order_id: "order_1" })
      const plan = decidePaymentWebhookPlan(event("refunded", { data: { refund, captured_amount: 100 } }), current)
      expect(plan.capture_target).toBeNull()
      expect(remainingToCapture(plan.capture_target, current.payment)).toBe(0)
      expect(plan.order_id).toBe("order_1")
      expect(plan.refunds).toEqual([refund])
    })

    it("takes every refund of the charge when the event lists them, each once", () => {
      const plan = decidePaymentWebhookPlan(
        event("refunded", {
          data: {
            refund: { id: "re_2", amount: 5 },
            refunds: [
              { id: "re_2", amount: 5 },
              { id: "re_1", amount: "10" },
              { id: "re_2", amount: 5 },
            ],
          },
        }),
        context({ payment: payment({ captured_at: new Date(), captured_amount: 100 }) })
      )
      expect(plan.refunds).toEqual([
        { id: "re_2", amount: 5 },
        { id: "re_1", amount: 10 },
      ])
    })

    it("skips refunds without an id or a positive amount", () => {
      const plan = decidePaymentWebhookPlan(
        event("refunded", { data: { refunds: [{ id: "re_0", amount: 0 }, { amount: 5 }, null, { id: "re_ok", amount: 1 }] } }),
        context({ payment: payment({ captured_at: new Date(), captured_amount: 100 }) })
      )
      expect(plan.refunds.map((item) => item.id)).toEqual(["re_ok"])
    })
  })

  describe("disputed", () => {
    const dispute = { id: "dp_1", status: "needs_response", amount: "100", reason: "fraudulent" }

    it("throws PaymentNotRecordedYetError before the payment exists", () => {
      expect(() => decidePaymentWebhookPlan(event("disputed", { data: { dispute } }), context())).toThrow(PaymentNotRecordedYetError)
    })

    it("records the dispute with the provider's event time, and nothing else", () => {
      const plan = decidePaymentWebhookPlan(
        event("disputed", { occurred_at: "2026-01-02T03:04:05Z" as unknown as Date, data: { dispute } }),
        context({ payment: payment({ captured_at: new Date(), captured_amount: 100 }), order_id: "order_1" })
      )
      expect(plan).toMatchObject({ authorize: false, capture_target: null, complete_cart: false, session_status: null, refunds: [] })
      expect(plan.dispute).toEqual({
        id: "dp_1",
        status: "needs_response",
        amount: 100,
        reason: "fraudulent",
        occurred_at: "2026-01-02T03:04:05.000Z",
      })
      expect(plan.outcome).toBe("dispute dp_1 needs_response")
    })

    it("defaults a missing reason and event time to null", () => {
      const plan = decidePaymentWebhookPlan(
        event("disputed", { data: { dispute: { id: "dp_1", status: "won", amount: 5 } } }),
        context({ payment: payment() })
      )
      expect(plan.dispute).toEqual({ id: "dp_1", status: "won", amount: 5, reason: null, occurred_at: null })
    })

    it("records no dispute without its id or status", () => {
      expect(decidePaymentWebhookPlan(event("disputed", { data: { dispute: { status: "won" } } }), context({ payment: payment() })).dispute).toBeNull()
      expect(decidePaymentWebhookPlan(event("disputed", { data: {} }), context({ payment: payment() })).dispute).toBeNull()
    })
  })

  describe("a payment that was given back", () => {
    const voided = payment({ canceled_at: new Date() })
    const refundedInFull = payment({ captured_amount: 100, refunded_amount: 100, captured_at: new Date() })

    it.each([
      ["voided", voided],
      ["refunded in full", refundedInFull],
    ])("a late authorized or captured for a %s payment completes no cart: an order nobody paid for", (_label, given) => {
      for (const action of ["authorized", "captured"]) {
        expect(decidePaymentWebhookPlan(event(action, { amount: 100 }), context({ payment: given }))).toMatchObject({
          authorize: false,
          capture_target: null,
          complete_cart: false,
          outcome: `superseded: the payment was given back (voided or refunded in full), ${action} not applied`,
        })
      }
    })

    it("a partly refunded payment still completes its cart", () => {
      const partly = payment({ captured_amount: 100, refunded_amount: 30, captured_at: new Date() })
      expect(decidePaymentWebhookPlan(event("captured", { amount: 100 }), context({ payment: partly })).complete_cart).toBe(true)
    })
  })

  describe("a canceled session", () => {
    it.each(["authorized", "captured"])("supersedes a late %s: no authorization, no capture, no order", (action) => {
      const canceled = context()
      canceled.session.status = "canceled"
      expect(decidePaymentWebhookPlan(event(action, { amount: 100 }), canceled)).toMatchObject({
        authorize: false,
        capture_target: null,
        complete_cart: false,
        outcome: `superseded: session already canceled, ${action} not applied`,
      })
    })
  })

  describe("status-only actions", () => {
    it.each([
      ["pending", "pending"],
      ["requires_more", "requires_more"],
      ["pending_authorization", "pending_authorization"],
      ["failed", "error"],
      ["canceled", "canceled"],
    ])("%s moves the session status to %s and nothing else", (action, status) => {
      const plan = decidePaymentWebhookPlan(event(action), context())
      expect(plan).toMatchObject({ authorize: false, capture_target: null, complete_cart: false, session_status: status, refunds: [], dispute: null })
      expect(plan.outcome).toBe(`session -> ${status}`)
    })

    it("does nothing for an unsupported action", () => {
      expect(decidePaymentWebhookPlan(event("not_supported"), context())).toMatchObject({
        authorize: false,
        capture_target: null,
        session_status: null,
        complete_cart: false,
        outcome: "nothing to do",
      })
    })
  })

  describe("complete_cart", () => {
    const paymentFor = (action: string) =>
      action === "refunded" || action === "disputed" ? payment({ captured_at: new Date(), captured_amount: 100 }) : null

    it.each(ACTIONS)("for %s: only authorized and captured complete a cart that has no order", (action) => {
      const plan = decidePaymentWebhookPlan(event(action), context({ payment: paymentFor(action) }))
      expect(plan.complete_cart).toBe(action === "authorized" || action === "captured")
    })

    it.each(["authorized", "captured"])("for %s: not when the cart already has an order", (action) => {
      expect(decidePaymentWebhookPlan(event(action), context({ order_id: "order_1" })).complete_cart).toBe(false)
    })

    it.each(["authorized", "captured"])("for %s: not when the session has no cart (a payment collection of an order)", (action) => {
      expect(decidePaymentWebhookPlan(event(action), context({ cart_id: null })).complete_cart).toBe(false)
    })
  })
})

describe("remainingToCapture", () => {
  const facts = (captured_amount: number, overrides: { captured_at?: Date | null; canceled_at?: Date | null } = {}) => ({
    captured_amount,
    captured_at: null,
    canceled_at: null,
    ...overrides,
  })

  it("is the target less what Medusa already recorded", () => {
    expect(remainingToCapture(100, facts(0))).toBe(100)
    expect(remainingToCapture(100, facts(40))).toBe(60)
  })

  it("is never negative when Medusa recorded more than the target", () => {
    expect(remainingToCapture(20, facts(35))).toBe(0)
  })

  it("is 0 without a target or without a payment", () => {
    expect(remainingToCapture(null, facts(0))).toBe(0)
    expect(remainingToCapture(100, null)).toBe(0)
  })

  it("is 0 for a payment that is fully captured or canceled, whatever the target", () => {
    expect(remainingToCapture(100, facts(20, { captured_at: new Date() }))).toBe(0)
    expect(remainingToCapture(100, facts(0, { canceled_at: new Date() }))).toBe(0)
  })

  it("does not leave floating-point dust", () => {
    expect(remainingToCapture(1.1, facts(0.2))).toBe(0.9)
    expect(remainingToCapture(0.3, facts(0.1))).toBe(0.2)
  })

  it("captures exactly up to the target, once, over repeated deliveries", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 5 }), (targetCents, recordedCents, deliveries) => {
        let recorded = recordedCents / 100
        for (let delivery = 0; delivery < deliveries; delivery++) {
          recorded = Math.round((recorded + remainingToCapture(targetCents / 100, facts(recorded))) * 100) / 100
        }
        expect(recorded).toBe(Math.max(targetCents, recordedCents) / 100)
      })
    )
  })
})

describe("paymentFacts", () => {
  it("is null without a payment (authorization left none, e.g. pending)", () => {
    expect(paymentFacts(null)).toBeNull()
    expect(paymentFacts(undefined)).toBeNull()
  })

  it("sums the payment's captures, whatever form the amounts take", () => {
    expect(paymentFacts({ captures: [{ amount: 10 }, { amount: "4.5" }, { amount: new BigNumber(5.25) }] })).toEqual({
      captured_amount: 19.75,
      captured_at: null,
      canceled_at: null,
    })
  })

  it("reads a payment without captures as nothing captured", () => {
    expect(paymentFacts({ captures: [] })?.captured_amount).toBe(0)
    expect(paymentFacts({ captures: null })?.captured_amount).toBe(0)
    expect(paymentFacts({})?.captured_amount).toBe(0)
  })

  it("keeps captured_at and canceled_at", () => {
    const at = new Date("2026-01-02T03:04:05Z")
    expect(paymentFacts({ captures: [{ amount: 100 }], captured_at: at })).toEqual({ captured_amount: 100, captured_at: at, canceled_at: null })
    expect(paymentFacts({ canceled_at: "2026-01-02T03:04:05Z" })).toMatchObject({ canceled_at: "2026-01-02T03:04:05Z" })
  })

  it("does not leave floating-point dust in the sum", () => {
    expect(paymentFacts({ captures: [{ amount: 0.1 }, { amount: 0.2 }] })?.captured_amount).toBe(0.3)
  })
})
