import type { PaymentContext } from "../steps/resolve-payment-context"
import { decidePaymentWebhookPlan, PaymentNotRecordedYetError } from "../utils/plan"

type Payment = NonNullable<PaymentContext["payment"]>
type Event = Parameters<typeof decidePaymentWebhookPlan>[0] & object

const refunded = (data: Record<string, unknown>): Event =>
  ({ action: "refunded", amount: null, occurred_at: null, payload: { action: "refunded", data } }) as Event

function context(payment: Partial<Payment> | null): PaymentContext {
  return {
    session: {
      id: "payses_1",
      status: "authorized",
      amount: 10,
      currency_code: "eur",
      provider_id: "pp_stripe_stripe",
      payment_collection_id: "pay_col_1",
    },
    payment: payment && {
      id: "pay_1",
      amount: 10,
      captured_amount: 0,
      refunded_amount: 0,
      captured_at: null,
      canceled_at: null,
      ...payment,
    },
    cart_id: "cart_1",
    order_id: "order_1",
  }
}

describe("refunded events that only release an authorization (released_amount)", () => {
  it("record no refund and say so in the outcome", () => {
    const plan = decidePaymentWebhookPlan(refunded({ released_amount: 10, captured_amount: 0, refunds: [] }), context({}))

    expect(plan.refunds).toEqual([])
    expect(plan.capture_target).toBe(0)
    expect(plan.outcome).toBe("released 10 never captured (not a refund, none recorded)")
  })

  it("need no Medusa payment when the release is all the event reports", () => {
    const plan = decidePaymentWebhookPlan(refunded({ released_amount: 10, refunds: [] }), context(null))

    expect(plan).toMatchObject({ refunds: [], payment_id: null, outcome: expect.stringMatching(/^released 10 /) })
    expect(() => decidePaymentWebhookPlan(refunded({ refunds: [{ id: "re_1", amount: 2 }] }), context(null))).toThrow(
      PaymentNotRecordedYetError
    )
  })

  it("after a partial capture: the captured part is still recorded and a real refund beside the release is recorded", () => {
    const plan = decidePaymentWebhookPlan(
      refunded({ released_amount: 3, captured_amount: 7, refunds: [{ id: "re_real", amount: 2, status: "succeeded" }] }),
      context({})
    )

    expect(plan.capture_target).toBe(7)
    expect(plan.refunds).toEqual([{ id: "re_real", amount: 2, status: "succeeded" }])
    expect(plan.outcome).toBe("refunds re_real, released 3 never captured (not a refund, none recorded)")
  })
})
