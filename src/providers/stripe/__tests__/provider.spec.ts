import { MedusaError } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import type { StripeBase } from "../base"
import { verifiedWebhookContext } from "../../verified-webhook-event"
import {
  StripeBancontactService,
  StripeKlarnaService,
  StripeOxxoService,
  StripeProviderService,
} from "../services"
import { startHarness, type Harness } from "./harness"

let h: Harness & { stop: () => Promise<void> }
let sessionCounter = 0

beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.stop())

const nextSessionId = () => `payses_test_${++sessionCounter}_${Date.now()}`

async function initiate(provider: StripeBase, amount = 10.5, currency_code = "eur") {
  const sessionId = nextSessionId()
  const output = await provider.initiatePayment({
    amount,
    currency_code,
    data: { session_id: sessionId },
    context: { idempotency_key: sessionId },
  })
  return { sessionId, output, intent: output.data as unknown as Stripe.PaymentIntent }
}

/** Confirms the intent as a storefront would, with Stripe.js and the client secret. */
function confirm(intentId: string, payment_method: string) {
  return h.storefront.paymentIntents.confirm(intentId, { payment_method })
}

async function authorizedCardPayment(provider = h.provider()) {
  const initiated = await initiate(provider)
  await confirm(initiated.output.id, "pm_card_visa")
  const authorized = await provider.authorizePayment({ data: initiated.output.data })
  return { ...initiated, authorized }
}

async function capturedCardPayment(provider = h.provider()) {
  const payment = await authorizedCardPayment(provider)
  const captured = await provider.capturePayment({ data: payment.authorized.data })
  return { ...payment, captured }
}

function expectMedusaError(error: unknown, type: string): MedusaError {
  expect(error).toBeInstanceOf(MedusaError)
  expect((error as MedusaError).type).toBe(type)
  return error as MedusaError
}

describe("initiatePayment", () => {
  it("creates a manual-capture card PaymentIntent tagged with the session id, amount in the smallest unit", async () => {
    const { sessionId, output, intent } = await initiate(h.provider())
    expect(output.id).toMatch(/^pi_/)
    expect(output.status).toBe("pending")
    expect(intent).toMatchObject({
      id: output.id,
      amount: 1050,
      currency: "eur",
      capture_method: "manual",
      payment_method_types: ["card"],
      metadata: { session_id: sessionId },
    })
    expect(intent.client_secret).toEqual(expect.any(String))
    expect(h.sim.paymentIntent(output.id)?.metadata).toEqual({ session_id: sessionId })
  })

  it("converts zero- and three-decimal currencies the way Stripe wants them", async () => {
    expect((await initiate(h.provider(), 1234, "jpy")).intent.amount).toBe(1234)
    expect((await initiate(h.provider(), 5.125, "kwd")).intent.amount).toBe(5130)
  })

  it("captures automatically when the capture option is set, and describes the payment", async () => {
    const { intent } = await initiate(h.provider(StripeProviderService, { capture: true, paymentDescription: "Shop order" }))
    expect(intent.capture_method).toBe("automatic")
    expect(intent.description).toBe("Shop order")
  })

  it("lets Stripe choose the methods with automaticPaymentMethods", async () => {
    const { intent } = await initiate(h.provider(StripeProviderService, { automaticPaymentMethods: true }))
    expect(intent.automatic_payment_methods?.enabled).toBe(true)
  })

  it("is idempotent per session: a retried initiation returns the same PaymentIntent", async () => {
    const provider = h.provider()
    const sessionId = nextSessionId()
    const input = { amount: 20, currency_code: "eur", data: { session_id: sessionId } }
    const first = await provider.initiatePayment(input)
    const second = await provider.initiatePayment(input)
    expect(second.id).toBe(first.id)
  })

  it("attaches the account holder's Stripe customer", async () => {
    const provider = h.provider()
    const holder = await provider.createAccountHolder({
      context: { customer: { id: "cus_medusa_1", email: "jane@example.com", first_name: "Jane", last_name: "Doe" } },
    })
    const sessionId = nextSessionId()
    const output = await provider.initiatePayment({
      amount: 10,
      currency_code: "eur",
      data: { session_id: sessionId },
      context: { account_holder: { data: { id: holder.id } } },
    })
    expect(output.data?.customer).toBe(holder.id)
  })

  it("refuses to create an intent webhooks could never link back to a session", async () => {
    await h
      .provider()
      .initiatePayment({ amount: 10, currency_code: "eur", data: {} })
      .then(
        () => fail("initiatePayment accepted data without session_id"),
        (error) => expect(expectMedusaError(error, MedusaError.Types.INVALID_DATA).message).toMatch(/session_id/)
      )
  })

  it("uses the payment-method class's types and capture method", async () => {
    const bancontact = (await initiate(h.provider(StripeBancontactService))).intent
    expect(bancontact).toMatchObject({ payment_method_types: ["bancontact"], capture_method: "automatic" })
    const klarna = (await initiate(h.provider(StripeKlarnaService))).intent
    expect(klarna).toMatchObject({ payment_method_types: ["klarna"], capture_method: "manual" })
  })

  it("sends OXXO's voucher expiry from the options", async () => {
    const provider = h.provider<StripeOxxoService>(StripeOxxoService, { oxxoExpiresDays: 5 })
    const create = jest.spyOn(provider["stripe_"].paymentIntents, "create")
    await initiate(provider, 100, "mxn")
    expect(create.mock.calls[0][0]).toMatchObject({
      payment_method_types: ["oxxo"],
      capture_method: "automatic",
      payment_method_options: { oxxo: { expires_after_days: 5 } },
    })
  })
})

describe("updatePayment", () => {
  it("moves the intent to the new amount", async () => {
    const provider = h.provider()
    const { output } = await initiate(provider)
    const updated = await provider.updatePayment({ amount: 12.25, currency_code: "eur", data: output.data })
    expect(updated.data?.amount).toBe(1225)
    expect(updated.status).toBe("pending")
    expect(h.sim.paymentIntent(output.id)?.amount).toBe(1225)
  })

  it("does not call Stripe when nothing changed", async () => {
    const provider = h.provider()
    const { output } = await initiate(provider)
    const update = jest.spyOn(provider["stripe_"].paymentIntents, "update")
    const result = await provider.updatePayment({ amount: 10.5, currency_code: "eur", data: output.data })
    expect(result).toEqual({ data: output.data })
    expect(update).not.toHaveBeenCalled()
  })
})

describe("authorizePayment / getPaymentStatus", () => {
  it("reads authorized once a card confirmed a manual-capture intent", async () => {
    const { authorized, output } = await authorizedCardPayment()
    expect(authorized.status).toBe("authorized")
    expect(authorized.data).toMatchObject({ id: output.id, status: "requires_capture" })
  })

  it("reads captured for an automatically captured intent", async () => {
    const provider = h.provider(StripeProviderService, { capture: true })
    const { output } = await initiate(provider)
    await confirm(output.id, "pm_card_visa")
    expect((await provider.authorizePayment({ data: output.data })).status).toBe("captured")
  })

  it("reads an automatically captured intent as authorized when processing asks to record the capture later", async () => {
    const provider = h.provider(StripeProviderService, { capture: true })
    const { output } = await initiate(provider)
    await confirm(output.id, "pm_card_visa")
    const context = verifiedWebhookContext({ action: "captured", data: {} }, { recordCaptureLater: true })
    const authorized = await provider.authorizePayment({ data: output.data, context })
    expect(authorized.status).toBe("authorized")
    expect(authorized.data).toMatchObject({ id: output.id, status: "succeeded" })
    // Without the request, the same intent is captured.
    expect((await provider.authorizePayment({ data: output.data, context: verifiedWebhookContext({ action: "captured", data: {} }) })).status).toBe("captured")
  })

  it("reads authorized for a partially captured intent, so Medusa records only what Stripe received", async () => {
    const provider = h.provider()
    const { authorized } = await authorizedCardPayment(provider)
    const captured = await provider.capturePayment({ data: { ...authorized.data, amount_to_capture: 6 } })
    expect(captured.data).toMatchObject({ status: "succeeded", amount: 1050, amount_received: 600 })
    expect((await provider.getPaymentStatus({ data: captured.data })).status).toBe("authorized")
    expect((await provider.authorizePayment({ data: captured.data })).status).toBe("authorized")
  })

  it("reads captured for a fully captured intent", async () => {
    const provider = h.provider()
    const { captured } = await capturedCardPayment(provider)
    expect(captured.data).toMatchObject({ status: "succeeded", amount: 1050, amount_received: 1050 })
    expect((await provider.getPaymentStatus({ data: captured.data })).status).toBe("captured")
    expect((await provider.authorizePayment({ data: captured.data })).status).toBe("captured")
  })

  it("reads pending before payment, requires_more for 3-D Secure and error after a decline, which authorizePayment refuses", async () => {
    const provider = h.provider()
    const pending = await initiate(provider)
    expect((await provider.getPaymentStatus({ data: pending.output.data })).status).toBe("pending")

    const secure = await initiate(provider)
    await confirm(secure.output.id, "pm_card_authenticationRequired")
    expect((await provider.authorizePayment({ data: secure.output.data })).status).toBe("requires_more")

    const declined = await initiate(provider)
    await expect(confirm(declined.output.id, "pm_card_chargeDeclined")).rejects.toThrow(/declined/)
    expect((await provider.getPaymentStatus({ data: declined.output.data })).status).toBe("error")
    await expect(provider.authorizePayment({ data: declined.output.data })).rejects.toMatchObject({
      type: MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
      message: expect.stringMatching(/declined.*card_declined, generic_decline/),
    })
  })

  it("reads requires_more while a redirect method waits for the customer, captured once authorized", async () => {
    const provider = h.provider(StripeBancontactService)
    const { output } = await initiate(provider)
    await h.storefront.paymentIntents.confirm(output.id, { return_url: "https://shop.test/return" })
    expect((await provider.authorizePayment({ data: output.data })).status).toBe("requires_more")
    await h.sim.succeedPending(output.id)
    expect((await provider.authorizePayment({ data: output.data })).status).toBe("captured")
  })

  it("reads pending_authorization while an asynchronous method is processing", async () => {
    const provider = h.provider(StripeBancontactService)
    const { intent } = await initiate(provider)
    const processing = { ...intent, status: "processing", payment_method: { type: "bancontact" } }
    jest.spyOn(provider["stripe_"].paymentIntents, "retrieve").mockResolvedValueOnce(processing as never)
    expect((await provider.getPaymentStatus({ data: { id: intent.id } })).status).toBe("pending_authorization")
  })

  it("keeps card payments that are processing pending", async () => {
    const provider = h.provider()
    const { intent } = await initiate(provider)
    const card = { ...intent, status: "processing", payment_method: { type: "card" } }
    jest.spyOn(provider["stripe_"].paymentIntents, "retrieve").mockResolvedValueOnce(card as never)
    expect((await provider.getPaymentStatus({ data: { id: intent.id } })).status).toBe("pending")
  })
})

describe("capturePayment", () => {
  it("captures part of the authorization when data.amount_to_capture says so (major units)", async () => {
    const provider = h.provider()
    const { authorized, output } = await authorizedCardPayment(provider)
    const captured = await provider.capturePayment({ data: { ...authorized.data, amount_to_capture: 6 } })
    expect(captured.data).toMatchObject({ id: output.id, status: "succeeded", amount_received: 600 })
    expect(captured.data).not.toHaveProperty("amount_to_capture")
  })

  it("captures everything by default", async () => {
    const { captured, output } = await capturedCardPayment()
    expect(captured.data).toMatchObject({ id: output.id, status: "succeeded", amount_received: 1050 })
  })

  it("treats capturing an intent that already succeeded as success, without capturing twice", async () => {
    const provider = h.provider()
    const { captured, output } = await capturedCardPayment(provider)
    const again = await provider.capturePayment({ data: captured.data, context: { idempotency_key: "capt_other" } })
    expect(again.data).toMatchObject({ id: output.id, status: "succeeded" })
    expect(h.sim.effectiveCaptures(output.id)).toBe(1)
  })

  it("confirms an intent whose data says it already succeeded without asking Stripe", async () => {
    const provider = h.provider(StripeProviderService, { capture: true })
    const { output } = await initiate(provider)
    await confirm(output.id, "pm_card_visa")
    const { data } = await provider.authorizePayment({ data: output.data })
    const capture = jest.spyOn(provider["stripe_"].paymentIntents, "capture")
    const retrieve = jest.spyOn(provider["stripe_"].paymentIntents, "retrieve")
    const confirmed = await provider.capturePayment({ data, context: { idempotency_key: "capt_auto" } })
    expect(confirmed.data).toMatchObject({ id: output.id, status: "succeeded", amount_received: 1050 })
    expect(capture).not.toHaveBeenCalled()
    expect(retrieve).not.toHaveBeenCalled()
    expect(h.sim.effectiveCaptures(output.id)).toBe(0)
  })

  it("passes Medusa's idempotency key, so a replayed capture takes effect once", async () => {
    const provider = h.provider()
    const { authorized, output } = await authorizedCardPayment(provider)
    const input = { data: authorized.data, context: { idempotency_key: `capt_${output.id}` } }
    await provider.capturePayment(input)
    await provider.capturePayment(input)
    expect(h.sim.effectiveCaptures(output.id)).toBe(1)
  })

  it("reports capturing a canceled intent as NOT_ALLOWED", async () => {
    const provider = h.provider()
    const { output } = await initiate(provider)
    await provider.cancelPayment({ data: output.data })
    const error = await provider.capturePayment({ data: output.data }).catch((e: unknown) => e)
    expect(expectMedusaError(error, MedusaError.Types.NOT_ALLOWED).message).toMatch(
      /^stripe provider: capturePayment failed: .*canceled.*code payment_intent_unexpected_state/
    )
  })
})

describe("refundPayment", () => {
  async function refundsOf(intentId: string) {
    return (await h.storefront.refunds.list({ payment_intent: intentId })).data
  }

  it("refunds the amount (major units), tagged with Medusa's refund id (its idempotency key) and the session id", async () => {
    const provider = h.provider()
    const { captured, output, sessionId } = await capturedCardPayment(provider)
    const result = await provider.refundPayment({ amount: 2.5, data: captured.data, context: { idempotency_key: "ref_1" } })
    const [refund] = await refundsOf(output.id)
    // The PaymentIntent data, with the refund confirmed (Medusa stores it only when this call succeeded).
    expect(result.data).toEqual({ ...captured.data, medusa_refunds: { ref_1: refund.id } })
    expect(refund).toMatchObject({ amount: 250, metadata: { medusa_refund_id: "ref_1", session_id: sessionId } })
    expect(Object.keys(refund.metadata ?? {}).sort()).toEqual(["medusa_refund_id", "session_id"])
  })

  it("a refund Stripe made but answered with a 500 still carries Medusa's refund id, and a retry gets the same 500", async () => {
    const provider = h.provider()
    const { captured, output } = await capturedCardPayment(provider)
    const input = { amount: 3, data: captured.data, context: { idempotency_key: `ref_${output.id}` } }
    h.sim.failNext({ method: "POST", path: "/v1/refunds" }, 1, "error_after_effect")
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await provider.refundPayment(input).catch((e: unknown) => e)
      expectMedusaError(error, MedusaError.Types.UNEXPECTED_STATE)
    }
    const refunds = await refundsOf(output.id)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]).toMatchObject({ amount: 300, metadata: { medusa_refund_id: `ref_${output.id}` } })
  })

  it("is idempotent with Medusa's key", async () => {
    const provider = h.provider()
    const { captured, output } = await capturedCardPayment(provider)
    const input = { amount: 1, data: captured.data, context: { idempotency_key: `ref_${output.id}` } }
    await provider.refundPayment(input)
    await provider.refundPayment(input)
    expect(await refundsOf(output.id)).toHaveLength(1)
  })

  it("treats refunding a charge that is already fully refunded as success", async () => {
    const provider = h.provider()
    const { captured, output } = await capturedCardPayment(provider)
    await h.sim.refundFromDashboard(output.id)
    await expect(provider.refundPayment({ amount: 10.5, data: captured.data })).resolves.toEqual({ data: captured.data })
    expect(await refundsOf(output.id)).toHaveLength(1)
  })

  it("reports refunding more than was captured as INVALID_DATA", async () => {
    const provider = h.provider()
    const { captured } = await capturedCardPayment(provider)
    const error = await provider.refundPayment({ amount: 99, data: captured.data }).catch((e: unknown) => e)
    expect(expectMedusaError(error, MedusaError.Types.INVALID_DATA).message).toMatch(/code amount_too_large/)
  })
})

describe("cancelPayment / deletePayment", () => {
  it("cancels the intent, and a second cancel is success", async () => {
    const provider = h.provider()
    const { output } = await initiate(provider)
    const canceled = await provider.cancelPayment({ data: output.data, context: { idempotency_key: "can_1" } })
    expect(canceled.data).toMatchObject({ id: output.id, status: "canceled" })
    const again = await provider.cancelPayment({ data: output.data, context: { idempotency_key: "can_2" } })
    expect(again.data).toMatchObject({ id: output.id, status: "canceled" })
  })

  it("cancels an authorized intent (voids the authorization)", async () => {
    const provider = h.provider()
    const { authorized, output } = await authorizedCardPayment(provider)
    await provider.cancelPayment({ data: authorized.data })
    expect(h.sim.paymentIntent(output.id)?.status).toBe("canceled")
  })

  it("refuses to cancel a captured payment", async () => {
    const provider = h.provider()
    const { captured } = await capturedCardPayment(provider)
    const error = await provider.cancelPayment({ data: captured.data }).catch((e: unknown) => e)
    expectMedusaError(error, MedusaError.Types.NOT_ALLOWED)
  })

  it("deletes a session by canceling its intent; a session without intent has nothing to delete", async () => {
    const provider = h.provider()
    const { output } = await initiate(provider)
    expect((await provider.deletePayment({ data: output.data })).data).toMatchObject({ status: "canceled" })
    expect(await provider.deletePayment({ data: { session_id: "payses_x" } })).toEqual({ data: { session_id: "payses_x" } })
  })

  it("deletes a session whose intent already succeeded without touching the intent", async () => {
    const provider = h.provider()
    const { captured, output } = await capturedCardPayment(provider)
    expect((await provider.deletePayment({ data: captured.data })).data).toMatchObject({ id: output.id, status: "succeeded" })
    expect(h.sim.paymentIntent(output.id)?.status).toBe("succeeded")
  })
})

describe("retrievePayment and errors", () => {
  it("returns the intent as Stripe has it now", async () => {
    const provider = h.provider()
    const { authorized, output } = await authorizedCardPayment(provider)
    expect((await provider.retrievePayment({ data: authorized.data })).data).toMatchObject({
      id: output.id,
      status: "requires_capture",
      amount_capturable: 1050,
    })
  })

  it("maps a missing intent to NOT_FOUND", async () => {
    const error = await h.provider().retrievePayment({ data: { id: "pi_missing" } }).catch((e: unknown) => e)
    expect(expectMedusaError(error, MedusaError.Types.NOT_FOUND).message).toMatch(/No such payment_intent: 'pi_missing'/)
  })

  it("needs the intent id in data", async () => {
    const error = await h.provider().capturePayment({ data: {} }).catch((e: unknown) => e)
    expect(expectMedusaError(error, MedusaError.Types.INVALID_DATA).message).toBe(
      "stripe provider: capturePayment needs the PaymentIntent id in data.id"
    )
  })

  it("never puts the API key in an error message", async () => {
    const apiKey = "sk_test_thisKeyIsWrongAndSecret9876"
    const error = await h.provider(StripeProviderService, { apiKey }).retrievePayment({ data: { id: "pi_1" } }).catch((e: unknown) => e)
    const { message } = expectMedusaError(error, MedusaError.Types.UNEXPECTED_STATE)
    expect(message).toMatch(/^stripe provider: retrievePayment failed: Invalid API Key provided: \[redacted\]/)
    expect(message).not.toMatch(/9876|sk_test/)
  })

  it("maps Stripe outages to UNEXPECTED_STATE", async () => {
    h.sim.failNext({ method: "GET", path: /^\/v1\/payment_intents\// }, 1, "error")
    const error = await h.provider().retrievePayment({ data: { id: "pi_any" } }).catch((e: unknown) => e)
    expectMedusaError(error, MedusaError.Types.UNEXPECTED_STATE)
  })

  it("retries network failures with the SDK, as many times as maxNetworkRetries allows", async () => {
    const provider = h.provider(StripeProviderService, { maxNetworkRetries: 1 })
    const { output } = await initiate(provider)
    h.sim.failNext({ method: "GET", path: `/v1/payment_intents/${output.id}` }, 1, "error")
    await expect(provider.retrievePayment({ data: output.data })).resolves.toMatchObject({ data: { id: output.id } })
  })
})

describe("account holders", () => {
  it("creates, reuses, updates and deletes the Stripe customer", async () => {
    const provider = h.provider()
    const customer = { id: "cus_medusa_2", email: "old@example.com", company_name: "ACME" }
    const created = await provider.createAccountHolder({ context: { customer } })
    expect(created.id).toMatch(/^cus_/)
    expect(created.data).toMatchObject({ email: "old@example.com", name: "ACME", metadata: { medusa_customer_id: "cus_medusa_2" } })

    const account_holder = { data: { id: created.id } }
    expect((await provider.createAccountHolder({ context: { customer, account_holder } })).id).toBe(created.id)

    const updated = await provider.updateAccountHolder({
      context: { account_holder, customer: { ...customer, email: "new@example.com" } },
    })
    expect(updated.data).toMatchObject({ id: created.id, email: "new@example.com" })

    await expect(provider.deleteAccountHolder({ context: { account_holder } })).resolves.toEqual({})
    await expect(provider.deleteAccountHolder({ context: { account_holder } })).resolves.toEqual({})
  })
})
