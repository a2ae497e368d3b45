import type { IEventBusModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../modules/payment-webhooks/types"
import { retryDelayMs } from "../modules/payment-webhooks/utils/backoff"
import { processPaymentWebhookWorkflow } from "../workflows/process-payment-webhook"
import { shouldRetry } from "./failure-policy"
import { logWebhookState } from "./log"

/** Emitted when an event has used all its attempts (or can never succeed) and is now `dead`. */
export const PAYMENT_WEBHOOK_DEAD_EVENT = "payment_webhook.dead"

/** What became of one processing run. */
export type ProcessOutcome = "processed" | "skipped" | "failed" | "dead"

/**
 * Runs `process-payment-webhook` for one inbox row and records a failure on the row: `failed` with
 * the next attempt on the backoff schedule, or `dead` after the last attempt, for an error that can
 * never succeed, or when the workflow's compensation already gave the money back (then
 * `payment_webhook.dead` is emitted). Returns `skipped` when the row was not claimable.
 */
export async function processPaymentWebhookEvent(
  container: MedusaContainer,
  eventId: string
): Promise<ProcessOutcome> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const { result, errors } = await processPaymentWebhookWorkflow(container).run({
    input: { event_id: eventId },
    throwOnError: false,
  })
  if (!errors?.length) {
    const processed = result as PaymentWebhookEventDTO | undefined
    if (!processed) {
      return "skipped"
    }
    logWebhookState(logger, {
      id: processed.id,
      provider_id: processed.provider_id,
      status: processed.status,
      event_type: processed.event_type,
      action: processed.action,
      session_id: processed.session_id,
      attempts: processed.attempts,
      outcome: processed.outcome,
    })
    return "processed"
  }

  const { message, type } = describeErrors(errors)
  const claimed = await inbox.retrieveEvent(eventId)
  const retry =
    claimed.status !== "dead" &&
    shouldRetry({
      attempts: claimed.attempts,
      maxAttempts: inbox.options.maxAttempts,
      errorType: type,
      occurredAt: claimed.occurred_at ? new Date(claimed.occurred_at) : null,
      now: new Date(),
    })
  const retryAt = retry
    ? new Date(
        Date.now() +
          retryDelayMs(claimed.attempts, {
            baseDelayMs: inbox.options.retryBaseDelayMs,
            maxDelayMs: inbox.options.retryMaxDelayMs,
          })
      )
    : null
  const failed = await inbox.failEvent(eventId, { error: message, retryAt })
  logWebhookState(logger, {
    id: failed.id,
    provider_id: failed.provider_id,
    status: failed.status,
    event_type: failed.event_type,
    action: failed.action,
    session_id: failed.session_id,
    attempts: failed.attempts,
    error: message,
    next_attempt_at: failed.next_attempt_at,
  })
  if (failed.status === "dead") {
    await container
      .resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      .emit({ name: PAYMENT_WEBHOOK_DEAD_EVENT, data: { id: failed.id, reason: message } })
    return "dead"
  }
  return "failed"
}

/**
 * Workflow errors arrive as plain objects (`{ action, error: { message } }`), not `Error`s;
 * this keeps the first useful message, trimmed, for the row's `last_error`.
 */
function describeErrors(errors: unknown[]): { message: string; type?: string } {
  const first = errors[0] as { action?: string; error?: { message?: string; type?: string } | string } | undefined
  const detail = typeof first?.error === "string" ? first.error : first?.error?.message
  const message = `${first?.action ? `${first.action}: ` : ""}${detail ?? "unknown error"}`
  return { message: message.slice(0, 1000), type: typeof first?.error === "object" ? first.error.type : undefined }
}
