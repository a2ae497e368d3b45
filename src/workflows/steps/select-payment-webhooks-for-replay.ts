import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { WebhookEventStatus } from "../../modules/payment-webhooks/types"
import { COMPENSATED_OUTCOME_PREFIX } from "./assert-payment-webhook-replayable"
import {
  hasAnyFilter,
  PAYMENT_WEBHOOK_FILTER_FIELDS,
  toEventFilters,
  type PaymentWebhookFilters,
} from "../../modules/payment-webhooks/utils/filters"

export const selectPaymentWebhooksForReplayStepId = "select-payment-webhooks-for-replay"

/** The most rows one bulk replay takes. */
export const MAX_BULK_REPLAY = 500

/** What a bulk replay may take: `failed` and `dead` rows, and with `force` finished ones too. */
export function replayableStatuses(force: boolean): WebhookEventStatus[] {
  return force ? ["failed", "dead", "processed", "ignored"] : ["failed", "dead"]
}

/**
 * The ids of the rows a bulk replay takes: those matching `filters` (at least one filter is
 * required) among the replayable statuses - `failed` and `dead`, with `force` also `processed` and
 * `ignored` - oldest first, except rows of purchases whose money was given back (returned apart:
 * replaying them could make an unpaid order). INVALID_DATA when no filter is given, when `status` names a status
 * that cannot be replayed, or when more than `MAX_BULK_REPLAY` rows match (the message has the
 * count). Read-only.
 */
export const selectPaymentWebhooksForReplayStep = createStep(
  selectPaymentWebhooksForReplayStepId,
  async (input: { filters: PaymentWebhookFilters; force?: boolean }, { container }) => {
    const filters = input.filters ?? {}
    if (!hasAnyFilter(filters)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `At least one filter is required to replay payment webhooks: ${PAYMENT_WEBHOOK_FILTER_FIELDS.join(", ")}`
      )
    }
    const replayable = replayableStatuses(input.force === true)
    const refused = (filters.status ?? []).filter((status) => !replayable.includes(status))
    if (refused.length) {
      const finished = refused.every((status) => replayableStatuses(true).includes(status))
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Payment webhooks with status ${refused.join(", ")} cannot be replayed` +
          (finished ? ` without "force": true` : `; replayable: ${replayableStatuses(true).join(", ")}`)
      )
    }
    const where = toEventFilters({ ...filters, status: filters.status?.length ? filters.status : replayable })
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const [rows, count] = await inbox.listAndCountPaymentWebhookEvents(where, {
      select: ["id", "session_id", "outcome"],
      take: MAX_BULK_REPLAY,
      order: { created_at: "ASC", id: "ASC" },
    })
    if (count > MAX_BULK_REPLAY) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `${count} payment webhooks match the filter; at most ${MAX_BULK_REPLAY} can be replayed at once. Narrow the filter (e.g. created_at, provider_id, event_type).`
      )
    }
    // Purchases whose money was given back are never replayed (see assertPaymentWebhookReplayableStep).
    type Selected = { id: string; session_id: string | null; outcome: string | null }
    const sessions = [...new Set((rows as Selected[]).flatMap((row) => (row.session_id ? [row.session_id] : [])))]
    const compensated = new Set((await inbox.compensatedEventsOfSessions(sessions)).map((row: { session_id: string | null }) => row.session_id))
    const excluded = (rows as Selected[]).filter(
      (row) => row.outcome?.startsWith(COMPENSATED_OUTCOME_PREFIX) || (row.session_id && compensated.has(row.session_id))
    )
    const ids = (rows as Selected[]).filter((row) => !excluded.includes(row)).map((row) => row.id)
    return new StepResponse<SelectedForReplay>({ ids, excluded_compensated: excluded.map((row) => row.id) })
  }
)

/** The rows a bulk replay takes, and those it leaves alone because their purchase's money was given back. */
export interface SelectedForReplay {
  ids: string[]
  excluded_compensated: string[]
}
