import { emitEventStep } from "@medusajs/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { PaymentWebhookEvents } from "../events"
import type { PaymentWebhookFilters } from "../modules/payment-webhooks/utils/filters"
import { selectPaymentWebhooksForReplayStep } from "./steps/select-payment-webhooks-for-replay"

export const queuePaymentWebhookReplaysWorkflowId = "queue-payment-webhook-replays"

export { MAX_BULK_REPLAY } from "./steps/select-payment-webhooks-for-replay"

/** Input of `queuePaymentWebhookReplaysWorkflow`. */
export interface QueuePaymentWebhookReplaysInput {
  /** Which rows (at least one filter); without `status`, every replayable status. */
  filters: PaymentWebhookFilters
  /** Take `processed` and `ignored` rows too. */
  force?: boolean
  /** Who asked (an admin user id), recorded on each row's attempt. */
  requested_by?: string | null
}

/** How many rows were queued, and which; and the matching rows left alone because their purchase's money was given back. */
export interface QueuePaymentWebhookReplaysResult {
  queued: number
  ids: string[]
  excluded_compensated: string[]
}

/**
 * Bulk replay: selects the rows matching the filters (at most `MAX_BULK_REPLAY`, see
 * `selectPaymentWebhooksForReplayStep`; purchases whose money was given back are left out) and emits `payment_webhook.replay_requested` with their
 * ids. A worker's subscriber then runs `replayPaymentWebhookWorkflow` for each,
 * `recoveryConcurrency` at a time, so the request returns at once and the processing happens where
 * all processing happens (on workers, not on the server that answered).
 */
export const queuePaymentWebhookReplaysWorkflow = createWorkflow(
  queuePaymentWebhookReplaysWorkflowId,
  (input: QueuePaymentWebhookReplaysInput) => {
    const selected = selectPaymentWebhooksForReplayStep({ filters: input.filters, force: input.force })
    const ids = transform({ selected }, ({ selected }) => selected.ids)
    const data = transform({ ids, input }, ({ ids, input }) => ({
      ids,
      force: input.force === true,
      requested_by: input.requested_by ?? null,
    }))
    when("emit-replay-requested", { ids }, ({ ids }) => ids.length > 0).then(() => {
      emitEventStep({ eventName: PaymentWebhookEvents.REPLAY_REQUESTED, data })
    })
    const result = transform(
      { selected },
      ({ selected }): QueuePaymentWebhookReplaysResult => ({
        queued: selected.ids.length,
        ids: selected.ids,
        excluded_compensated: selected.excluded_compensated,
      })
    )
    return new WorkflowResponse(result)
  }
)
