/** Query's name of the inbox row entity (the inbox module's `payment_webhook_event` model). */
export const PAYMENT_WEBHOOK_ENTITY = "payment_webhook_event"

/** A row's fields as the list shows them: everything but the (possibly large) `payload`. */
export const defaultAdminPaymentWebhookFields = [
  "id",
  "provider_id",
  "event_key",
  "event_type",
  "action",
  "source",
  "status",
  "session_id",
  "cart_id",
  "order_id",
  "amount",
  "currency_code",
  "occurred_at",
  "attempts",
  "next_attempt_at",
  "last_error",
  "outcome",
  "deliveries",
  "processed_at",
  "created_at",
  "updated_at",
]

/** Every field `fields` may ask for (and `order` may sort by). */
export const allowedAdminPaymentWebhookFields = [...defaultAdminPaymentWebhookFields, "payload"]

export const listPaymentWebhooksQueryConfig = {
  defaults: defaultAdminPaymentWebhookFields,
  allowed: allowedAdminPaymentWebhookFields,
  isList: true,
}

/** One row (and the replay answer): with its `payload`. */
export const retrievePaymentWebhookQueryConfig = {
  defaults: allowedAdminPaymentWebhookFields,
  allowed: allowedAdminPaymentWebhookFields,
  isList: false,
}
