import { model } from "@medusajs/framework/utils"
import { WEBHOOK_EVENT_STATUSES } from "../types"

/**
 * One verified webhook delivery from a payment provider: the durable inbox row. It is written before
 * the provider gets its answer and is the single record of what was received and what became of it.
 */
const PaymentWebhookEvent = model
  .define("payment_webhook_event", {
    id: model.id({ prefix: "pwhevt" }).primaryKey(),
    provider_id: model.text(),
    event_key: model.text(),
    event_type: model.text().nullable(),
    action: model.text(),
    session_id: model.text().nullable(),
    amount: model.bigNumber().nullable(),
    currency_code: model.text().nullable(),
    occurred_at: model.dateTime().nullable(),
    status: model.enum([...WEBHOOK_EVENT_STATUSES]).default("received"),
    attempts: model.number().default(0),
    next_attempt_at: model.dateTime().nullable(),
    last_error: model.text().nullable(),
    outcome: model.text().nullable(),
    deliveries: model.number().default(1),
    payload: model.json().nullable(),
    processed_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["provider_id", "event_key"], unique: true },
    { on: ["status", "next_attempt_at"] },
    { on: ["session_id"] },
  ])

export default PaymentWebhookEvent
