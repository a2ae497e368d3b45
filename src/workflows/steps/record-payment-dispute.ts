import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { mergeDispute, type StoredDispute } from "../utils/disputes"

export const recordPaymentDisputeStepId = "record-payment-dispute"

type PaymentMetadataWriter = IPaymentModuleService & {
  updatePayment(data: { id: string; metadata: Record<string, unknown> }): Promise<unknown>
}

/**
 * Stores a dispute on the payment (`metadata.disputes[dispute id]`), merged with what is there by
 * `mergeDispute` so created/updated/closed may arrive in any order. Returns the stored dispute when
 * it changed (the workflow then emits `payment.disputed`). Compensation restores the metadata.
 */
export const recordPaymentDisputeStep = createStep(
  recordPaymentDisputeStepId,
  async (input: { payment_id: string; dispute: StoredDispute }, { container }) => {
    const paymentModule = container.resolve<PaymentMetadataWriter>(Modules.PAYMENT)
    const payment = await paymentModule.retrievePayment(input.payment_id, { select: ["id", "metadata"] })
    const metadata = (payment.metadata ?? {}) as Record<string, unknown>
    const disputes = (metadata.disputes ?? {}) as Record<string, StoredDispute>
    const merged = mergeDispute(disputes[input.dispute.id], input.dispute)
    if (!merged) {
      return new StepResponse<StoredDispute | null, Record<string, unknown> | null>(null, null)
    }
    await paymentModule.updatePayment({
      id: payment.id,
      metadata: { ...metadata, disputes: { ...disputes, [merged.id]: merged } },
    })
    return new StepResponse<StoredDispute | null, Record<string, unknown> | null>(merged, {
      id: payment.id,
      metadata,
    })
  },
  async (previous, { container }) => {
    if (!previous) {
      return
    }
    await container
      .resolve<PaymentMetadataWriter>(Modules.PAYMENT)
      .updatePayment({ id: previous.id as string, metadata: previous.metadata as Record<string, unknown> })
  }
)
