import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"
import { processPaymentWebhookEvent, type ProcessOutcome } from "../../processing/process-event"

export const replayPaymentWebhookEventStepId = "replay-payment-webhook-event"

/**
 * What a replay did: what processing did (`processed` - the row is `processed` or `ignored` -,
 * `failed`, `dead`, `lease_lost`), or `already_running` when another worker holds the row (a
 * second click, the recovery job), or `skipped` when the row was finished by someone else between
 * the check and the claim.
 */
export type ReplayResult = Exclude<ProcessOutcome, "skipped"> | "already_running" | "skipped"

/** The row after the replay, and what the replay did. */
export interface ReplayPaymentWebhookResult {
  payment_webhook: PaymentWebhookEventDTO
  result: ReplayResult
}

/**
 * Processes the row again now, through the processing loop (`processPaymentWebhookEvent`): its
 * atomic, fenced claim takes a `received`, `failed` or `dead` row whatever its schedule, and with
 * `force` a `processed` or `ignored` row too, never a row another worker holds. The attempt records
 * the replay and who asked. The workflow plans from live state, so an order that exists is not
 * made again and a capture already recorded is not made again. Processing cannot be undone: no
 * compensation.
 */
export const replayPaymentWebhookEventStep = createStep(
  replayPaymentWebhookEventStepId,
  async (input: { id: string; force?: boolean; requested_by?: string | null }, { container }) => {
    const outcome = await processPaymentWebhookEvent(container, input.id, {
      force: true,
      reopenFinished: input.force === true,
      requestedBy: input.requested_by ?? null,
    })
    const row = await container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).retrieveEvent(input.id)
    const result: ReplayResult = outcome !== "skipped" ? outcome : row.status === "processing" ? "already_running" : "skipped"
    return new StepResponse<ReplayPaymentWebhookResult>({ payment_webhook: row, result })
  }
)
