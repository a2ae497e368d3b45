import { hmacValidator, Types } from "@adyen/api-library"
import { invalidPayload, invalidSignature, webhookErrorReason } from "../kit/errors"
import { verifyWithAnySecret } from "../kit/signatures"
import type { PaymentWebhookData, PaymentWebhookDispute, PaymentWebhookRefund, WebhookAction } from "../webhook-contract"
import { fromAdyenAmount } from "./amounts"
import {
  actionForAdyenEvent,
  ADYEN_DISPUTE_STATUS,
  ADYEN_DISPUTE_STATUS_VALUES,
  type AdyenEventCode,
} from "./event-codes"

/** A notification item as Adyen sends it (the library's type). */
export type AdyenNotificationItem = Types.notification.NotificationRequestItem

/** A notification request: `live` and a batch of items, each signed on its own. */
export type AdyenNotification = Types.notification.Notification

/**
 * Separates the session id from the Medusa refund id in the `reference` of refunds Medusa issues:
 * `<session id>/<refund id>`. Adyen echoes it as the refund notification's `merchantReference`.
 */
export const REFERENCE_SEPARATOR = "/"

/** `data` of one Adyen item, as the plugin stores it; amounts in major units. */
export type AdyenWebhookData = PaymentWebhookData & {
  event_id: string
  event_type: string
  occurred_at: string
  currency_code: string | null
  /** The pspReference of the payment the item is about (its own for AUTHORISATION). */
  psp_reference: string | null
}

/** What one verified item asks Medusa to do. */
export type AdyenWebhookResult = { action: WebhookAction; data: AdyenWebhookData }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The fields an item needs to be verified and understood; anything else is left as Adyen sent it. */
function isNotificationItem(value: unknown): value is AdyenNotificationItem {
  if (!isObject(value) || !isObject(value.amount)) {
    return false
  }
  const { amount } = value
  return (
    ["pspReference", "eventCode", "eventDate", "merchantAccountCode", "merchantReference", "success"].every(
      (field) => typeof value[field] === "string"
    ) &&
    (value.additionalData === undefined || isObject(value.additionalData)) &&
    (amount.value === undefined || Number.isInteger(amount.value)) &&
    (amount.currency === undefined || typeof amount.currency === "string")
  )
}

/**
 * Reads the items of a notification body (the raw bytes, as Adyen signed nothing else). Throws an
 * `invalid_payload:` MedusaError when the body is not a notification or an item lacks a field.
 */
export function parseAdyenNotification(rawBody: string | Buffer): AdyenNotificationItem[] {
  let body: unknown
  try {
    body = JSON.parse(rawBody.toString())
  } catch {
    throw invalidPayload("the body is not JSON")
  }
  const items = isObject(body) ? body.notificationItems : undefined
  if (!Array.isArray(items) || items.length === 0) {
    throw invalidPayload("the body has no notificationItems")
  }
  return items.map((wrapper, index) => {
    const item = isObject(wrapper) ? wrapper.NotificationRequestItem : undefined
    if (!isNotificationItem(item)) {
      throw invalidPayload(`notificationItems[${index}] is not a NotificationRequestItem`)
    }
    return item
  })
}

/** Whether `hmacKey` signed the item (`additionalData.hmacSignature`), checked by Adyen's library. */
function signedWith(item: AdyenNotificationItem, hmacKey: string): boolean {
  try {
    return new hmacValidator().validateHMAC(item, hmacKey)
  } catch {
    // The library throws when the item carries no signature at all.
    return false
  }
}

/**
 * Verifies every item of a batch with any of `hmacKeys` (rotation): all of them, or the request is
 * refused (`invalid_signature:`, naming the item), as one forged item makes the whole request
 * untrustworthy. Adyen retries a refused request, so a genuine item in it is not lost.
 */
export function verifyAdyenNotification(rawBody: string | Buffer, hmacKeys: string[]): AdyenNotificationItem[] {
  const items = parseAdyenNotification(rawBody)
  items.forEach((item, index) => {
    try {
      verifyWithAnySecret(hmacKeys, (key) => signedWith(item, key))
    } catch (error) {
      throw invalidSignature(
        `notificationItems[${index}] (${item.eventCode} ${item.pspReference}): ${webhookErrorReason(error)}; ` +
          "the whole request is refused"
      )
    }
  })
  return items
}

/** The stable id of an item: Adyen's own duplicates and redeliveries carry the same three fields. */
export function adyenEventId(item: AdyenNotificationItem): string {
  return `${item.eventCode}:${item.pspReference}:${item.success}`
}

/** The session id and, for refunds Medusa issued, the Medusa refund id of a `merchantReference`. */
export function splitMerchantReference(reference: string): { sessionId: string | null; medusaRefundId: string | null } {
  const [sessionId, medusaRefundId] = reference.split(REFERENCE_SEPARATOR)
  return { sessionId: sessionId || null, medusaRefundId: medusaRefundId || null }
}

/**
 * Maps one verified item to an action and its data, without calling Adyen. `merchantAccount` is
 * ours: items of other merchant accounts (a company-level webhook) are `not_supported`.
 */
export function describeAdyenItem(
  item: AdyenNotificationItem,
  opts: { merchantAccount: string; captureAutomatically: boolean }
): AdyenWebhookResult {
  const currency = item.amount.currency ?? null
  const amount = currency && typeof item.amount.value === "number" ? fromAdyenAmount(item.amount.value, currency) : null
  const { sessionId, medusaRefundId } = splitMerchantReference(item.merchantReference)
  const code = item.eventCode as string
  const ours = item.merchantAccountCode === opts.merchantAccount
  const action = ours ? actionForAdyenEvent(code, item.success, opts.captureAutomatically) : "not_supported"
  const paymentPsp = code === "AUTHORISATION" ? item.pspReference : item.originalReference || item.pspReference
  const data: AdyenWebhookData = {
    event_id: adyenEventId(item),
    event_type: code,
    occurred_at: occurredAt(item.eventDate),
    session_id: ours ? sessionId : null,
    amount,
    currency_code: currency?.toLowerCase() ?? null,
    psp_reference: paymentPsp,
  }
  if (action === "refunded" && amount !== null) {
    const refund: PaymentWebhookRefund = {
      id: item.pspReference,
      amount,
      status: code === "REFUND" && item.success === "true" ? "succeeded" : "failed",
      medusa_refund_id: medusaRefundId,
    }
    return { action, data: { ...data, refund, refunds: [refund] } }
  }
  if (action === "disputed" && amount !== null) {
    return { action, data: { ...data, dispute: disputeOf(item, code as AdyenEventCode, amount, paymentPsp) } }
  }
  return { action, data }
}

function disputeOf(item: AdyenNotificationItem, code: AdyenEventCode, amount: number, paymentPsp: string): PaymentWebhookDispute {
  const stated = item.additionalData?.disputeStatus
  return {
    // One dispute per payment: every dispute event of the payment updates the same record.
    id: `dispute:${paymentPsp}`,
    status: (stated && ADYEN_DISPUTE_STATUS_VALUES[stated]) || ADYEN_DISPUTE_STATUS[code] || "needs_response",
    amount,
    reason: item.reason || item.additionalData?.chargebackReasonCode || null,
  }
}

/** Adyen's `eventDate` (ISO 8601 with an offset) as UTC ISO 8601; the string as sent if unreadable. */
function occurredAt(eventDate: string): string {
  const date = new Date(eventDate)
  return Number.isNaN(date.getTime()) ? eventDate : date.toISOString()
}
