/**
 * Public API of medusa-payment-webhooks for code in a Medusa app: the workflow, the inbox module's
 * key and types, and the names of the events the plugin emits.
 */
export { PAYMENT_WEBHOOKS_MODULE } from "./modules/payment-webhooks"
export type {
  PaymentWebhookEventDTO,
  PaymentWebhooksOptions,
  WebhookEventStatus,
} from "./modules/payment-webhooks/types"
export {
  processPaymentWebhookWorkflow,
  processPaymentWebhookWorkflowId,
  type ProcessPaymentWebhookInput,
} from "./workflows/process-payment-webhook"
export { PAYMENT_WEBHOOK_RECEIVED_EVENT } from "./webhooks/receive-webhook"
export { PAYMENT_WEBHOOK_DEAD_EVENT, processPaymentWebhookEvent } from "./webhooks/process-event"
