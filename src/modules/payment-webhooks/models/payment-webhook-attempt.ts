import { model } from "@medusajs/framework/utils"
import { WEBHOOK_ATTEMPT_RESULTS, WEBHOOK_ATTEMPT_TRIGGERS } from "../types"

/**
 * One processing attempt of an inbox row: who ran it, when, and how it ended. Written by the claim
 * (start) and by the worker's final write (end), so the history survives retries and takeovers.
 */
const PaymentWebhookAttempt = model
  .define("payment_webhook_attempt", {
    id: model.id({ prefix: "pwhatt" }).primaryKey(),
    event_id: model.text(),
    /** The attempt number: the fencing token the claim handed out. */
    attempt: model.number(),
    /** `host:pid` of the process that ran it. */
    worker: model.text(),
    started_at: model.dateTime(),
    ended_at: model.dateTime().nullable(),
    result: model.enum([...WEBHOOK_ATTEMPT_RESULTS]).default("running"),
    error: model.text().nullable(),
    outcome: model.text().nullable(),
    /** `automatic`, or a `replay`/`forced_replay` someone asked for. */
    trigger: model.enum([...WEBHOOK_ATTEMPT_TRIGGERS]).default("automatic"),
    /** Who asked for the replay (the admin user's id, or what the calling code passed). */
    requested_by: model.text().nullable(),
  })
  .indexes([{ on: ["event_id", "attempt"], unique: true }])

export default PaymentWebhookAttempt
