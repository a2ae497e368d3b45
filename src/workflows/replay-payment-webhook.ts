import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { assertPaymentWebhookReplayableStep } from "./steps/assert-payment-webhook-replayable"
import { replayPaymentWebhookEventStep } from "./steps/replay-payment-webhook-event"

export const replayPaymentWebhookWorkflowId = "replay-payment-webhook"

export type { ReplayPaymentWebhookResult, ReplayResult } from "./steps/replay-payment-webhook-event"

/** Input of `replayPaymentWebhookWorkflow`. */
export interface ReplayPaymentWebhookInput {
  /** The inbox row (`pwhevt_...`). */
  id: string
  /** Replay a `processed` or `ignored` row too. */
  force?: boolean
  /** Who asked (an admin user id), recorded on the attempt. */
  requested_by?: string | null
}

/**
 * Processes one inbox row again, now: a `failed` or `dead` row (or a `received` one, ahead of its
 * turn), and with `force` a `processed` or `ignored` one. Idempotent: a row another worker is
 * processing is left alone (`already_running`). A replay is one more attempt under the usual rules:
 * same lock, same planning from live state (no second order, no second capture), and a failure is
 * handled like any other (a row past `maxAttempts` is `dead` again at once). Throws NOT_FOUND for
 * an unknown id and INVALID_DATA for a finished row without `force`.
 */
export const replayPaymentWebhookWorkflow = createWorkflow(
  replayPaymentWebhookWorkflowId,
  (input: ReplayPaymentWebhookInput) => {
    assertPaymentWebhookReplayableStep({ id: input.id, force: input.force })
    const replayed = replayPaymentWebhookEventStep({ id: input.id, force: input.force, requested_by: input.requested_by })
    return new WorkflowResponse(replayed)
  }
)
