import type { ActionableWebhookAction, WebhookAction } from "../stripe/event-actions"

/** Whether a notification item reports success (`"true"`) or failure (`"false"`). */
export type AdyenOutcome = "true" | "false"

/**
 * The Adyen event codes this plugin acts on, and the action each means for a successful
 * (`true`) and a failed (`false`) item; a missing outcome is `not_supported`. Anything else is
 * `not_supported` too. Refund failures are `refunded` with a failed refund, which is not recorded.
 */
export const ADYEN_EVENT_ACTIONS = {
  AUTHORISATION: { true: "authorized", false: "failed" },
  PENDING: { true: "pending_authorization" },
  OFFER_CLOSED: { true: "canceled" },
  CAPTURE: { true: "captured", false: "failed" },
  CAPTURE_FAILED: { true: "failed" },
  CANCELLATION: { true: "canceled" },
  TECHNICAL_CANCEL: { true: "canceled" },
  REFUND: { true: "refunded", false: "refunded" },
  REFUND_FAILED: { true: "refunded" },
  NOTIFICATION_OF_CHARGEBACK: { true: "disputed" },
  REQUEST_FOR_INFORMATION: { true: "disputed" },
  CHARGEBACK: { true: "disputed" },
  CHARGEBACK_REVERSED: { true: "disputed" },
  SECOND_CHARGEBACK: { true: "disputed" },
  PREARBITRATION_WON: { true: "disputed" },
  PREARBITRATION_LOST: { true: "disputed" },
} as const satisfies Record<string, Partial<Record<AdyenOutcome, ActionableWebhookAction>>>

/** An Adyen event code this plugin acts on. */
export type AdyenEventCode = keyof typeof ADYEN_EVENT_ACTIONS

/**
 * The dispute status (in the plugin's stored vocabulary, shared with Stripe) each dispute event code
 * means when the item carries no `additionalData.disputeStatus`.
 */
export const ADYEN_DISPUTE_STATUS: Partial<Record<AdyenEventCode, string>> = {
  REQUEST_FOR_INFORMATION: "warning_needs_response",
  NOTIFICATION_OF_CHARGEBACK: "needs_response",
  CHARGEBACK: "needs_response",
  CHARGEBACK_REVERSED: "won",
  SECOND_CHARGEBACK: "lost",
  PREARBITRATION_WON: "won",
  PREARBITRATION_LOST: "lost",
}

/** `additionalData.disputeStatus` values Adyen sends on dispute events, in the stored vocabulary. */
export const ADYEN_DISPUTE_STATUS_VALUES: Record<string, string> = {
  Undefended: "needs_response",
  Pending: "needs_response",
  Responded: "under_review",
  Accepted: "lost",
  Lost: "lost",
  Won: "won",
}

/** Whether the plugin acts on this Adyen event code. */
export function isHandledAdyenEvent(code: string): code is AdyenEventCode {
  return Object.prototype.hasOwnProperty.call(ADYEN_EVENT_ACTIONS, code)
}

/**
 * The action an item means. A successful authorisation is `captured` when the provider captures
 * automatically (Adyen then sends no CAPTURE notification by default).
 */
export function actionForAdyenEvent(code: string, success: string, captureAutomatically = false): WebhookAction {
  if (!isHandledAdyenEvent(code) || (success !== "true" && success !== "false")) {
    return "not_supported"
  }
  const action = (ADYEN_EVENT_ACTIONS[code] as Partial<Record<AdyenOutcome, ActionableWebhookAction>>)[success]
  if (!action) {
    return "not_supported"
  }
  return action === "authorized" && captureAutomatically ? "captured" : action
}
