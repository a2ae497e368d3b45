/**
 * The provider author's kit (`medusa-payment-webhooks/providers/kit`): the helpers a payment provider's
 * webhook side is built with - signature checks, the event-type table as data, and the errors that
 * tell the webhook route and processing "refuse" from "retry" - beside the contract's types.
 */
export {
  assertTimestampWithinTolerance,
  constantTimeEqual,
  hmacSignature,
  verifyWithAnySecret,
} from "./signatures"
export { actionFromTable, defineWebhookEventTable, type WebhookEventTable } from "./event-table"
export {
  invalidPayload,
  invalidSignature,
  isBadInputError,
  paymentDeclined,
  retryLater,
  webhookErrorKind,
  webhookErrorReason,
  type WebhookErrorKind,
} from "./errors"
export * from "../webhook-contract"
export {
  authorizationStatusFor,
  RECORD_CAPTURE_LATER_KEY,
  VERIFIED_WEBHOOK_EVENT_KEY,
  verifiedWebhookEventOf,
  type VerifiedWebhookEvent,
} from "../verified-webhook-event"
