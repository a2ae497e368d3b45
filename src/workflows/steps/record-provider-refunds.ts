import type { IOrderModuleService, IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { confirmedMedusaRefunds, type PaymentWebhookRefund } from "../../providers/webhook-contract"
import { decideProviderRefund } from "../utils/refunds"

export const recordProviderRefundsStepId = "record-provider-refunds"

/** A refund reported by the provider (major units). */
export type ProviderRefund = PaymentWebhookRefund

type RefundWriter = IPaymentModuleService & {
  createRefunds(data: { payment_id: string; amount: number; note: string; metadata: Record<string, unknown> }[]): Promise<{ id: string; amount: unknown }[]>
  updateRefunds(data: { id: string; metadata: Record<string, unknown> }[]): Promise<unknown>
}

type RefundMetadata = Record<string, unknown> | null | undefined

/** Links Medusa refunds that were issued through the provider to the provider's refund id. */
type Annotation = { id: string; metadata: RefundMetadata }

/**
 * Records refunds made at the provider (e.g. in the Stripe dashboard) on the Medusa payment, each
 * once, matched by the provider's refund id (`decideProviderRefund`): a refund already on a Medusa
 * refund (`metadata.provider_refund_id`) or that did not succeed is skipped; one Medusa issued itself
 * is linked to its Medusa refund (the provider's id is stored on it); one Medusa rolled back after
 * the provider accepted it is recorded like a dashboard refund. While Medusa's own call for a refund
 * has not returned, the step fails so the event is retried later. Nothing calls the provider. The
 * order gets a matching refund transaction. Compensation deletes what was created and undoes the links.
 */
export const recordProviderRefundsStep = createStep(
  recordProviderRefundsStepId,
  async (input: { payment_id: string; order_id: string | null; currency_code: string; refunds: ProviderRefund[] }, { container }) => {
    const paymentModule = container.resolve<RefundWriter>(Modules.PAYMENT)
    const payment: PaymentDTO = await paymentModule.retrievePayment(input.payment_id, { relations: ["refunds"] })
    const medusaRefunds = ((payment.refunds ?? []) as { id: string; created_at?: Date | string; metadata?: RefundMetadata }[]).map(
      (refund) => ({
        id: refund.id,
        metadata: refund.metadata ?? null,
        provider_refund_id: (refund.metadata?.provider_refund_id as string | undefined) ?? null,
        created_at: new Date(refund.created_at ?? 0),
      })
    )
    const confirmed = confirmedMedusaRefunds(payment.data as Record<string, unknown> | null)
    const now = new Date()
    const decided = input.refunds.map((refund) => ({ refund, decision: decideProviderRefund(refund, medusaRefunds, confirmed, now) }))
    const waiting = decided.filter(({ decision }) => decision === "wait")
    if (waiting.length) {
      throw new MedusaError(
        MedusaError.Types.CONFLICT,
        `Medusa's own refund call for ${waiting.map(({ refund }) => `${refund.id} (${refund.medusa_refund_id})`).join(", ")} has not returned yet; retried later`
      )
    }
    const annotations: Annotation[] = decided
      .filter(({ decision }) => decision === "link")
      .map(({ refund }) => {
        const medusaRefund = medusaRefunds.find((known) => known.id === refund.medusa_refund_id)!
        return { id: medusaRefund.id, metadata: { ...(medusaRefund.metadata ?? {}), provider_refund_id: refund.id } }
      })
    const fresh = decided.filter(({ decision }) => decision === "record").map(({ refund }) => refund)
    if (annotations.length) {
      await paymentModule.updateRefunds(annotations.map(({ id, metadata }) => ({ id, metadata: metadata ?? {} })))
    }
    const undoAnnotations = annotations.map(({ id }) => ({ id, metadata: medusaRefunds.find((known) => known.id === id)?.metadata ?? null }))
    if (!fresh.length) {
      return new StepResponse({ recorded: [] as string[] }, { refund_ids: [], transaction_ids: [], annotations: undoAnnotations })
    }
    const created = await paymentModule.createRefunds(
      fresh.map((refund: ProviderRefund) => ({
        payment_id: input.payment_id,
        amount: refund.amount,
        note: `Refunded at the payment provider (${refund.id})`,
        metadata: { provider_refund_id: refund.id, source: "payment-webhook" },
      }))
    )
    let transactionIds: string[] = []
    if (input.order_id) {
      const orderModule = container.resolve<IOrderModuleService>(Modules.ORDER)
      const transactions = await orderModule.addOrderTransactions(
        created.map((refund: { id: string }, index: number) => ({
          order_id: input.order_id as string,
          amount: -fresh[index].amount,
          currency_code: input.currency_code,
          reference: "refund",
          reference_id: refund.id,
        }))
      )
      transactionIds = transactions.map((transaction: { id: string }) => transaction.id)
    }
    return new StepResponse(
      { recorded: fresh.map((refund: ProviderRefund) => refund.id) },
      {
        refund_ids: created.map((refund: { id: string }) => refund.id),
        transaction_ids: transactionIds,
        annotations: undoAnnotations,
      }
    )
  },
  async (created, { container }) => {
    if (!created) {
      return
    }
    if (created.transaction_ids.length) {
      await container.resolve<IOrderModuleService>(Modules.ORDER).deleteOrderTransactions(created.transaction_ids)
    }
    const paymentModule = container.resolve<RefundWriter>(Modules.PAYMENT)
    if (created.refund_ids.length) {
      await paymentModule.deleteRefunds(created.refund_ids)
    }
    if (created.annotations.length) {
      await paymentModule.updateRefunds(created.annotations.map(({ id, metadata }) => ({ id, metadata: metadata ?? {} })))
    }
  }
)
