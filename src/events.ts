/**
 * Every event this plugin emits on Medusa's event bus, in one place. Subscribe to them by name
 * (`PaymentWebhookEvents.DEAD` is `"payment_webhook.dead"`); the README lists their data.
 */
export const PaymentWebhookEvents = {
  /** `{ id }`: a new row that needs processing was stored; the plugin's subscriber processes it. */
  RECEIVED: "payment_webhook.received",
  /** `{ id, reason }`: a row used all its attempts, or failed in a way no retry can fix. */
  DEAD: "payment_webhook.dead",
  /** `{ id, cart_id, payment_id, outcome }`: the cart could not become an order, so the money was given back. */
  COMPENSATED: "payment_webhook.compensated",
  /**
   * `{ ids, force, requested_by }`: an operator asked for these rows to be replayed (bulk replay);
   * a worker replays them, `recoveryConcurrency` at a time.
   */
  REPLAY_REQUESTED: "payment_webhook.replay_requested",
  /** `{ reason }`: rows may be waiting (the app just started); a worker drains whatever is due. */
  RECOVERY_REQUESTED: "payment_webhook.recovery_requested",
  /** `{ id: <payment id>, dispute }`: a dispute on a payment was opened or changed. */
  PAYMENT_DISPUTED: "payment.disputed",
} as const

/** The name of one of the plugin's events. */
export type PaymentWebhookEventName = (typeof PaymentWebhookEvents)[keyof typeof PaymentWebhookEvents]
