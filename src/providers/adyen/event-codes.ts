import { actionFromTable, defineWebhookEventTable } from "../kit/event-table"
import type { WebhookAction } from "../webhook-contract"

/**
 * The Adyen event codes this plugin acts on, and the action a successful item (`success: "true"`)
 * of each means. Anything else is `not_supported`.
 */
export const ADYEN_EVENT_ACTIONS = defineWebhookEventTable({
  AUTHORISATION: "authorized",
  PENDING: "pending_authorization",
  OFFER_CLOSED: "canceled",
  CAPTURE: "captured",
  CAPTURE_FAILED: "failed",
  CANCELLATION: "canceled",
  TECHNICAL_CANCEL: "canceled",
  REFUND: "refunded",
  REFUND_FAILED: "refunded",
  NOTIFICATION_OF_CHARGEBACK: "disputed",
  REQUEST_FOR_INFORMATION: "disputed",
  CHARGEBACK: "disputed",
  CHARGEBACK_REVERSED: "disputed",
  SECOND_CHARGEBACK: "disputed",
  PREARBITRATION_WON: "disputed",
  PREARBITRATION_LOST: "disputed",
})

/**
 * The action a failed item (`success: "false"`) means, for the codes where a failure says something;
 * any other failed item is `not_supported`. A failed REFUND is `refunded` with a failed refund, which
 * is not recorded.
 */
export const ADYEN_FAILED_EVENT_ACTIONS = defineWebhookEventTable({
  AUTHORISATION: "failed",
  CAPTURE: "failed",
  REFUND: "refunded",
})

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
  const table = success === "true" ? ADYEN_EVENT_ACTIONS : success === "false" ? ADYEN_FAILED_EVENT_ACTIONS : null
  const action = table ? actionFromTable(table, code) : "not_supported"
  return action === "authorized" && captureAutomatically ? "captured" : action
}
