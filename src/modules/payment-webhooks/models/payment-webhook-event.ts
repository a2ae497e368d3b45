import { model } from "@medusajs/framework/utils"
import { WEBHOOK_EVENT_SOURCES, WEBHOOK_EVENT_STATUSES } from "../types"

/**
 * One verified webhook delivery from a payment provider (or an event the reconciler made up for a
 * payment whose webhook never came): the durable inbox row. It is written before the provider gets
 * its answer and is the single record of what was received and what became of it.
 *
 * While a row is `processing`, `attempts` is the fencing token of the worker that holds it and
 * `next_attempt_at` is the end of that worker's lease (renewed by its heartbeat).
 */
const PaymentWebhookEvent = model
  .define("payment_webhook_event", {
    id: model.id({ prefix: "pwhevt" }).primaryKey(),
    provider_id: model.text(),
    event_key: model.text(),
    event_type: model.text().nullable(),
    action: model.text(),
    session_id: model.text().nullable(),
    /** The cart of the session's payment collection, once processing found it. */
    cart_id: model.text().nullable(),
    /** The order of that cart, once there is one. */
    order_id: model.text().nullable(),
    amount: model.bigNumber().nullable(),
    currency_code: model.text().nullable(),
    occurred_at: model.dateTime().nullable(),
    status: model.enum([...WEBHOOK_EVENT_STATUSES]).default("received"),
    source: model.enum([...WEBHOOK_EVENT_SOURCES]).default("webhook"),
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
    // What the recovery job reads: only unfinished rows, so the index does not grow with history.
    { on: ["next_attempt_at"], where: "status IN ('received', 'processing', 'failed')" },
    // What the retention job reads.
    { on: ["processed_at"], where: "status IN ('processed', 'ignored')" },
    { on: ["session_id"] },
    { on: ["cart_id"] },
    { on: ["order_id"] },
    { on: ["status", "created_at"] },
    // What the admin list reads by default: newest first, the id breaking ties.
    { on: ["created_at", "id"] },
  ])

export default PaymentWebhookEvent
