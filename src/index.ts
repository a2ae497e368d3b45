/**
 * Public API of medusa-payment-webhooks for code in a Medusa app: the processing entry points and
 * workflows, the inbox module's key and types, the provider contract and the names of the events
 * the plugin emits.
 */
export { PAYMENT_WEBHOOKS_MODULE } from "./modules/payment-webhooks"
export type {
  PaymentWebhookAttemptDTO,
  PaymentWebhookEventDTO,
  PaymentWebhooksOptions,
  WebhookAttemptResult,
  WebhookAttemptTrigger,
  WebhookEventSource,
  WebhookEventStatus,
} from "./modules/payment-webhooks/types"
export {
  processPaymentWebhookWorkflow,
  processPaymentWebhookWorkflowId,
  type ProcessPaymentWebhookInput,
  type ProcessPaymentWebhookResult,
} from "./workflows/process-payment-webhook"
export { givePaymentBackWorkflow, givePaymentBackWorkflowId, type GivePaymentBackInput } from "./workflows/give-payment-back"
export {
  replayPaymentWebhookWorkflow,
  replayPaymentWebhookWorkflowId,
  type ReplayPaymentWebhookInput,
  type ReplayPaymentWebhookResult,
  type ReplayResult,
} from "./workflows/replay-payment-webhook"
export {
  MAX_BULK_REPLAY,
  queuePaymentWebhookReplaysWorkflow,
  queuePaymentWebhookReplaysWorkflowId,
  type QueuePaymentWebhookReplaysInput,
  type QueuePaymentWebhookReplaysResult,
} from "./workflows/queue-payment-webhook-replays"
export type { PaymentWebhookFilters } from "./modules/payment-webhooks/utils/filters"
export { PaymentWebhookEvents, type PaymentWebhookEventName } from "./events"
export { processPaymentWebhookEvent, type ProcessOutcome, type ProcessEventOptions } from "./processing/process-event"
export { drainDuePaymentWebhooks, type DrainCounts } from "./processing/drain"
export { replayPaymentWebhooks, type ReplayCounts } from "./processing/replay"
export { reconcilePaymentSessions, type ReconcileSummary } from "./processing/reconcile"
export { currentProcessingLease, LeaseLostError, type ProcessingLease } from "./processing/lease"
export * from "./providers/webhook-contract"
