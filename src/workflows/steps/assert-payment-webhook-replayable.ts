import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { WebhookEventStatus } from "../../modules/payment-webhooks/types"

export const assertPaymentWebhookReplayableStepId = "assert-payment-webhook-replayable"

/** Statuses of finished rows: replayed only when the caller says `force`. */
export const FINISHED_STATUSES: readonly WebhookEventStatus[] = ["processed", "ignored"]

/**
 * Checks that the row exists (NOT_FOUND otherwise) and may be replayed: a finished (`processed` or
 * `ignored`) row only with `force` (INVALID_DATA naming its status otherwise). Read-only; returns
 * the row's status as read.
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
    return new StepResponse<WebhookEventStatus>(row.status)
  }
)
