import { actionForStripeEvent, ASYNC_PAYMENT_METHOD_TYPES, STRIPE_EVENT_ACTIONS } from "../event-actions"

describe("Stripe event -> action table", () => {
  it.each([
    ["payment_intent.created", "pending"],
    ["payment_intent.processing", "pending"],
    ["payment_intent.requires_action", "requires_more"],
    ["payment_intent.partially_funded", "requires_more"],
    ["payment_intent.amount_capturable_updated", "authorized"],
    ["payment_intent.succeeded", "captured"],
    ["payment_intent.payment_failed", "failed"],
    ["payment_intent.canceled", "canceled"],
    ["charge.refunded", "refunded"],
    ["charge.refund.updated", "refunded"],
    ["refund.created", "refunded"],
    ["refund.updated", "refunded"],
    ["refund.failed", "refunded"],
    ["charge.dispute.created", "disputed"],
    ["charge.dispute.updated", "disputed"],
    ["charge.dispute.closed", "disputed"],
    ["charge.dispute.funds_withdrawn", "disputed"],
    ["charge.dispute.funds_reinstated", "disputed"],
  ])("%s -> %s", (type, action) => {
    expect(actionForStripeEvent(type)).toBe(action)
  })

  it("lists exactly the events above", () => {
    expect(Object.keys(STRIPE_EVENT_ACTIONS)).toHaveLength(18)
  })

  it.each(["charge.succeeded", "charge.captured", "customer.created", "payment_method.attached", "toString", "constructor", ""])(
    "%p -> not_supported",
    (type) => {
      expect(actionForStripeEvent(type)).toBe("not_supported")
      expect(actionForStripeEvent(type, true)).toBe("not_supported")
    }
  )

  it("reads processing as pending_authorization for asynchronous payment methods only", () => {
    expect(actionForStripeEvent("payment_intent.processing", true)).toBe("pending_authorization")
    expect(actionForStripeEvent("payment_intent.succeeded", true)).toBe("captured")
    expect(actionForStripeEvent("payment_intent.created", true)).toBe("pending")
  })

  it("knows the asynchronous methods of this plugin's classes, and that cards are not", () => {
    for (const type of ["bancontact", "blik", "eps", "giropay", "ideal", "oxxo", "p24", "promptpay", "sepa_debit"]) {
      expect(ASYNC_PAYMENT_METHOD_TYPES.has(type)).toBe(true)
    }
    expect(ASYNC_PAYMENT_METHOD_TYPES.has("card")).toBe(false)
  })
})
