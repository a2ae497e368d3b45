import { AdyenProviderService } from "../../../providers/adyen/service"
import { ADYEN_EVENT_ACTIONS } from "../../../providers/adyen/event-codes"
import {
  ADYEN_SIMULATOR_DEFAULTS,
  notificationRequestBody,
  signNotificationItem,
  startAdyenSimulator,
  type AdyenSimulator,
  type NotificationRequest,
  type UnsignedItem,
} from "../../adyen-simulator"
import { describePaymentWebhookProvider, type PaymentWebhookProviderFixtures } from ".."

const { apiKey, merchantAccount } = ADYEN_SIMULATOR_DEFAULTS
const SECRETS = [
  "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056",
  "6A1B3C5D7E9F0A2B4C6D8E0F1A3B5C7D9E1F3A5B7C9D1E3F5A7B9C1D3E5F7A9B",
]

let sim: AdyenSimulator
beforeAll(async () => {
  sim = await startAdyenSimulator({ apiKey })
})
afterAll(() => sim.stop())

const providerAt = (checkoutEndpoint: string) =>
  new AdyenProviderService({}, {
    apiKey,
    merchantAccount,
    hmacKey: SECRETS,
    returnUrl: "https://shop.example/checkout",
    checkoutEndpoint,
    apiTimeoutMs: 2_000,
  })

/** An Adyen notification for the kit's event: one item, its pspReference derived from the event's id. */
const fixtures: PaymentWebhookProviderFixtures<AdyenProviderService> = {
  provider: () => providerAt(sim.checkoutEndpoint),
  event: (spec): NotificationRequest => {
    const item: UnsignedItem = {
      pspReference: spec.id.slice(0, 16).toUpperCase(),
      eventCode: spec.type as UnsignedItem["eventCode"],
      eventDate: "2026-12-02T10:00:00+01:00",
      merchantAccountCode: merchantAccount,
      merchantReference: spec.session_id,
      amount: { value: spec.amount.minor, currency: spec.currency_code.toUpperCase() },
      success: "true" as UnsignedItem["success"],
    }
    return notificationRequestBody([item as NotificationRequest["notificationItems"][number]["NotificationRequestItem"]])
  },
  // Adyen signs each item inside the body, with no timestamp; a body that is not a notification is sent as it is.
  sign: (rawBody, { secret }) => {
    let body: NotificationRequest
    try {
      body = JSON.parse(rawBody)
    } catch {
      return { data: {}, rawData: Buffer.from(rawBody), headers: { "content-type": "application/json" } }
    }
    const items = body.notificationItems.map((entry) => signNotificationItem(entry.NotificationRequestItem, secret))
    const signed = JSON.stringify(notificationRequestBody(items))
    return { data: JSON.parse(signed), rawData: Buffer.from(signed), headers: { "content-type": "application/json" } }
  },
  secrets: SECRETS,
  forgedSecret: "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",
  toleranceSeconds: null,
  eventActions: ADYEN_EVENT_ACTIONS,
  amountEventType: "AUTHORISATION",
  unknownEventType: "REPORT_AVAILABLE",
  declinedPayment: async (provider) => {
    const { data } = await provider.initiatePayment({ amount: 10, currency_code: "eur", data: { session_id: "payses_declined" } })
    sim.pay(String(data?.id), "refused")
    return { data }
  },
  transientFailure: () =>
    providerAt("http://127.0.0.1:9/v72").initiatePayment({ amount: 10, currency_code: "eur", data: { session_id: "payses_down" } }),
  badInput: async (provider) => {
    const { data } = await provider.initiatePayment({ amount: 10, currency_code: "eur", data: { session_id: "payses_bad" } })
    return provider.refundPayment({ amount: 10, data: { ...data, pspReference: "UNKNOWNPSP000000" } })
  },
}

describePaymentWebhookProvider("AdyenProviderService (this plugin)", fixtures, {
  knownFailures: {
    "authorize.declined":
      "Adyen's Checkout API cannot be asked about a payment made in Drop-in: a refusal reaches the server only " +
      "as an AUTHORISATION notification with success false (the session becomes `error`), and the storefront " +
      "learns it from Drop-in itself; authorizePayment without a notification answers pending",
  },
})
