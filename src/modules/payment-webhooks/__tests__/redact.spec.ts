import { redactWebhookPayload } from "../utils/redact"

describe("redactWebhookPayload", () => {
  const payload = {
    action: "captured",
    data: { event_id: "evt_1", event_type: "payment_intent.succeeded", session_id: "payses_1", amount: 12.5, currency_code: "eur" },
    event: {
      id: "evt_1",
      type: "payment_intent.succeeded",
      created: 1764633600,
      data: {
        object: {
          id: "pi_1",
          object: "payment_intent",
          amount: 1250,
          amount_received: 1250,
          currency: "eur",
          status: "succeeded",
          customer: "cus_1",
          receipt_email: "shopper@example.com",
          metadata: { session_id: "payses_1", note: "leave at the door" },
          shipping: { name: "Ada Lovelace", address: { line1: "1 Main St", city: "Gent", postal_code: "9000" } },
          charges: { data: [{ id: "ch_1", billing_details: { email: "shopper@example.com" }, payment_method_details: { card: { last4: "4242", brand: "visa" } } }] },
        },
      },
    },
  }

  it("keeps the ids, amounts, currencies, types and statuses", () => {
    expect(redactWebhookPayload(payload)).toEqual({
      action: "captured",
      data: payload.data,
      event: {
        id: "evt_1",
        type: "payment_intent.succeeded",
        created: 1764633600,
        data: {
          object: {
            id: "pi_1",
            object: "payment_intent",
            amount: 1250,
            amount_received: 1250,
            currency: "eur",
            status: "succeeded",
            metadata: { session_id: "payses_1" },
            charges: { data: [{ id: "ch_1" }] },
          },
        },
      },
      redacted: true,
    })
  })

  it("drops every email, name, address and card detail", () => {
    const text = JSON.stringify(redactWebhookPayload(payload))
    for (const personal of ["shopper@example.com", "Ada Lovelace", "1 Main St", "4242", "visa", "leave at the door", "cus_1"]) {
      expect(text).not.toContain(personal)
    }
  })

  it("leaves an absent payload absent", () => {
    expect(redactWebhookPayload(null)).toBeNull()
  })
})
