import { MedusaError } from "@medusajs/framework/utils"
import {
  ADYEN_SIMULATOR_DEFAULTS,
  EventCode,
  notificationRequestBody,
  signNotificationItem,
  type UnsignedItem,
} from "../../../testing/adyen-simulator"
import { fromAdyenAmount, toAdyenAmount } from "../amounts"
import { actionForAdyenEvent, ADYEN_EVENT_ACTIONS } from "../event-codes"
import type { AdyenWebhookData } from "../notification"
import { AdyenProviderService } from "../service"

const { merchantAccount, hmacKey } = ADYEN_SIMULATOR_DEFAULTS
const OTHER_KEY = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"

const provider = (options: Record<string, unknown> = {}) =>
  new AdyenProviderService({}, {
    apiKey: "adyen_test_local",
    merchantAccount,
    hmacKey,
    returnUrl: "https://shop.example/checkout",
    ...options,
  })

function item(overrides: Partial<UnsignedItem> = {}): UnsignedItem {
  return {
    pspReference: "PSP0000000000001",
    eventCode: EventCode.Authorisation,
    eventDate: "2026-12-02T10:15:30+01:00",
    merchantAccountCode: merchantAccount,
    merchantReference: "payses_01TEST",
    amount: { value: 1250, currency: "EUR" },
    success: "true" as UnsignedItem["success"],
    ...overrides,
  }
}

/** The single event of a notification, with the Adyen provider's data type. */
const events = async (input: ReturnType<typeof payload>, options: Record<string, unknown> = {}) =>
  (await provider(options).getWebhookActionAndData(input)) as { action: string; data: AdyenWebhookData }

const payload = (items: UnsignedItem[], key: string = hmacKey) => ({
  data: {},
  headers: {},
  rawData: Buffer.from(JSON.stringify(notificationRequestBody(items.map((entry) => signNotificationItem(entry, key))))),
})

describe("Adyen notifications", () => {
  it("a signed AUTHORISATION is `authorized` with the session, amount in major units and a stable event id", async () => {
    const first = await events(payload([item()]))
    const again = await events(payload([item()]))

    expect(first).toEqual({
      action: "authorized",
      data: {
        event_id: "AUTHORISATION:PSP0000000000001:true",
        event_type: "AUTHORISATION",
        occurred_at: "2026-12-02T09:15:30.000Z",
        session_id: "payses_01TEST",
        amount: 12.5,
        currency_code: "eur",
        psp_reference: "PSP0000000000001",
      },
    })
    expect(again.data?.event_id).toBe(first.data?.event_id)
  })

  it("every item of a batch is verified and mapped, in order", async () => {
    const events = await provider().getWebhookEvents(
      payload([item(), item({ pspReference: "PSP2", merchantReference: "payses_2", amount: { value: 4000, currency: "JPY" } })])
    )
    expect(events.map((event) => [event.action, event.data?.session_id, event.data?.amount])).toEqual([
      ["authorized", "payses_01TEST", 12.5],
      ["authorized", "payses_2", 4000],
    ])
  })

  it("one forged item refuses the whole batch with invalid_signature", async () => {
    const good = signNotificationItem(item(), hmacKey)
    const forged = signNotificationItem(item({ pspReference: "PSP2" }), OTHER_KEY)
    const rawData = Buffer.from(JSON.stringify(notificationRequestBody([good, forged])))
    await expect(provider().getWebhookEvents({ data: {}, headers: {}, rawData })).rejects.toThrow(
      /^invalid_signature: notificationItems\[1\] \(AUTHORISATION PSP2\)/
    )
  })

  it("a tampered amount, a missing signature or a wrong key is invalid_signature", async () => {
    const signed = signNotificationItem(item(), hmacKey)
    const tampered = { ...signed, amount: { value: 1, currency: "EUR" } }
    const unsigned = item()
    for (const entry of [tampered, unsigned]) {
      const rawData = Buffer.from(JSON.stringify(notificationRequestBody([entry as never])))
      await expect(provider().getWebhookActionAndData({ data: {}, headers: {}, rawData })).rejects.toThrow(/^invalid_signature/)
    }
    await expect(provider().getWebhookActionAndData(payload([item()], OTHER_KEY))).rejects.toThrow(/^invalid_signature/)
  })

  it("verifies with any of several HMAC keys (rotation)", async () => {
    const rotating = provider({ hmacKey: [OTHER_KEY, hmacKey] })
    expect((await rotating.getWebhookActionAndData(payload([item()]))).action).toBe("authorized")
  })

  it("a body that is not a notification is invalid_payload", async () => {
    for (const body of ["not json", "{}", JSON.stringify({ notificationItems: [{ NotificationRequestItem: { eventCode: 1 } }] })]) {
      await expect(
        provider().getWebhookActionAndData({ data: {}, headers: {}, rawData: Buffer.from(body) })
      ).rejects.toMatchObject({ type: MedusaError.Types.INVALID_DATA, message: expect.stringMatching(/^invalid_payload/) })
    }
  })

  it("Medusa's one-event method refuses a batch of two with a clear error", async () => {
    await expect(provider().getWebhookActionAndData(payload([item(), item({ pspReference: "PSP2" })]))).rejects.toThrow(
      "invalid_payload: the notification has 2 items; this route accepts one item per request"
    )
  })

  it("acknowledges with the body Adyen expects", () => {
    expect(provider().webhookAcknowledgement()).toEqual({ contentType: "text/plain", body: "[accepted]" })
  })

  it("unknown event codes and other merchant accounts are not_supported, not errors", async () => {
    const report = await provider().getWebhookActionAndData(payload([item({ eventCode: EventCode.ReportAvailable })]))
    expect(report.action).toBe("not_supported")
    const foreign = await provider().getWebhookActionAndData(payload([item({ merchantAccountCode: "SomeoneElse" })]))
    expect(foreign).toMatchObject({ action: "not_supported", data: { session_id: null } })
  })

  it("a REFUND carries the refund (Medusa's refund id from the reference); REFUND_FAILED a failed one", async () => {
    const refund = item({
      eventCode: EventCode.Refund,
      pspReference: "REFUNDPSP",
      originalReference: "PAYPSP",
      merchantReference: "payses_1/ref_01",
      amount: { value: 500, currency: "EUR" },
    })
    const event = await provider().getWebhookActionAndData(payload([refund]))
    const expected = { id: "REFUNDPSP", amount: 5, status: "succeeded", medusa_refund_id: "ref_01" }
    expect(event).toMatchObject({
      action: "refunded",
      data: { session_id: "payses_1", psp_reference: "PAYPSP", refund: expected, refunds: [expected] },
    })
    const failed = await events(payload([{ ...refund, eventCode: EventCode.RefundFailed }]))
    expect(failed.data?.refund).toMatchObject({ id: "REFUNDPSP", status: "failed" })
  })

  it("dispute events are `disputed`, one dispute per payment, status from the code or Adyen's disputeStatus", async () => {
    const chargeback = item({ eventCode: EventCode.Chargeback, reason: "Fraud", amount: { value: 1250, currency: "EUR" } })
    expect((await events(payload([chargeback]))).data.dispute).toEqual({
      id: "dispute:PSP0000000000001",
      status: "needs_response",
      amount: 12.5,
      reason: "Fraud",
    })
    const reversed = await events(payload([{ ...chargeback, eventCode: EventCode.ChargebackReversed }]))
    expect(reversed.data?.dispute).toMatchObject({ id: "dispute:PSP0000000000001", status: "won" })
    const responded = await events(
      payload([{ ...chargeback, additionalData: { disputeStatus: "Responded" } }])
    )
    expect(responded.data?.dispute).toMatchObject({ status: "under_review" })
  })
})

describe("Adyen event-code table", () => {
  it.each([
    ["AUTHORISATION", "true", "authorized"],
    ["AUTHORISATION", "false", "failed"],
    ["CAPTURE", "true", "captured"],
    ["CAPTURE", "false", "failed"],
    ["CAPTURE_FAILED", "true", "failed"],
    ["CANCELLATION", "true", "canceled"],
    ["CANCELLATION", "false", "not_supported"],
    ["REFUND", "true", "refunded"],
    ["REFUND_FAILED", "true", "refunded"],
    ["CHARGEBACK", "true", "disputed"],
    ["CHARGEBACK_REVERSED", "true", "disputed"],
    ["NOTIFICATION_OF_CHARGEBACK", "true", "disputed"],
    ["SECOND_CHARGEBACK", "true", "disputed"],
    ["PENDING", "true", "pending_authorization"],
    ["OFFER_CLOSED", "true", "canceled"],
    ["REPORT_AVAILABLE", "true", "not_supported"],
    ["AUTHORISATION", "maybe", "not_supported"],
  ])("%s success=%s -> %s", (code, success, action) => {
    expect(actionForAdyenEvent(code, success)).toBe(action)
  })

  it("with automatic capture a successful authorisation is `captured`", () => {
    expect(actionForAdyenEvent("AUTHORISATION", "true", true)).toBe("captured")
    expect(actionForAdyenEvent("AUTHORISATION", "false", true)).toBe("failed")
  })

  it("every code of the table is one Adyen's library knows", () => {
    const known = new Set<string>(Object.values(EventCode))
    expect(Object.keys(ADYEN_EVENT_ACTIONS).filter((code) => !known.has(code))).toEqual([])
  })
})

describe("Adyen amounts", () => {
  it.each([
    [10.5, "eur", 1050],
    [4000, "jpy", 4000],
    [1.2345, "kwd", 1235],
    [7, "cve", 7],
    [99.99, "clp", 9999],
    [0.1 + 0.2, "usd", 30],
  ])("%s %s -> %s minor units and back", (amount, currency, minor) => {
    expect(toAdyenAmount(amount, currency)).toBe(minor)
    expect(fromAdyenAmount(minor, currency)).toBeCloseTo(Number(amount), 2)
  })

  it("refuses negative amounts", () => {
    expect(() => toAdyenAmount(-1, "eur")).toThrow(/non-negative/)
  })
})

describe("Adyen options", () => {
  it.each([
    [{ apiKey: "" }, "apiKey"],
    [{ merchantAccount: undefined }, "merchantAccount"],
    [{ hmacKey: "not-hex" }, "hmacKey"],
    [{ hmacKey: [] }, "hmacKey"],
    [{ returnUrl: "ftp://x" }, "returnUrl"],
    [{ environment: "PROD" }, "environment"],
    [{ environment: "LIVE" }, "liveEndpointUrlPrefix"],
    [{ checkoutEndpoint: "nope" }, "checkoutEndpoint"],
    [{ apiTimeoutMs: 5 }, "apiTimeoutMs"],
  ])("%j is refused naming `%s`", (override, name) => {
    const options = { ...override }
    expect(() => AdyenProviderService.validateOptions({
      apiKey: "k",
      merchantAccount,
      hmacKey,
      returnUrl: "https://shop.example",
      ...options,
    })).toThrow(`option \`${name}\``)
  })
})
