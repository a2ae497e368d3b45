import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { WebhookEventStatus } from "../../modules/payment-webhooks/types"

export const assertPaymentWebhookReplayableStepId = "assert-payment-webhook-replayable"

/** Statuses of finished rows: replayed only when the caller says `force`. */
export const FINISHED_STATUSES: readonly WebhookEventStatus[] = ["processed", "ignored"]

/** How the processing loop starts the outcome of a row whose purchase got its money back. */
export const COMPENSATED_OUTCOME_PREFIX = "compensated:"

/**
 * Checks that the row exists (NOT_FOUND otherwise) and may be replayed:
 * - a finished (`processed` or `ignored`) row only with `force` (INVALID_DATA naming its status);
 * - never a row of a purchase whose money was given back (this row's or another row's outcome is
 *   `compensated: ...`; NOT_ALLOWED, even with `force`): the authorization is voided or the capture
 *   refunded, so processing an authorized/captured event again would make an order nobody paid for.
 * Read-only; returns the row's status as read.
 */
export const assertPaymentWebhookReplayableStep = createStep(
  assertPaymentWebhookReplayableStepId,
  async (input: { id: string; force?: boolean }, { container }) => {
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const row = await inbox.retrieveEvent(input.id)
    if (FINISHED_STATUSES.includes(row.status) && input.force !== true) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Payment webhook ${row.id} is ${row.status}; replaying a ${row.status} webhook needs "force": true ` +
          `(it is then planned again from the payment's live state, so nothing is captured or ordered twice)`
      )
    }
    const compensated = row.outcome?.startsWith(COMPENSATED_OUTCOME_PREFIX)
      ? row
      : row.session_id
        ? (await inbox.compensatedEventsOfSessions([row.session_id]))[0] ?? null
        : null
    if (compensated) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Payment webhook ${row.id} cannot be replayed: the money of its payment was given back ` +
          `(${compensated.id}: ${compensated.outcome}). Processing it again could make an order nobody paid for; ` +
          `the shopper has to pay again.`
      )
    }
    return new StepResponse<WebhookEventStatus>(row.status)
  }
)
