/**
 * The plugin's workflows (`medusa-payment-webhooks/workflows`), for code in a Medusa app that runs
 * them itself: processing one stored delivery, replaying one or many, giving a payment back.
 */
export * from "./process-payment-webhook"
export * from "./replay-payment-webhook"
export * from "./queue-payment-webhook-replays"
export * from "./give-payment-back"
