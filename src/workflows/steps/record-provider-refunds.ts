import type { IOrderModuleService, IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentWebhookRefund } from "../../providers/webhook-contract"

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

const UNSUCCESSFUL = new Set(["failed", "canceled"])

/**
 * Records refunds made at the provider (e.g. in the Stripe dashboard) on the Medusa payment, each
 * once, matched by the provider's refund id: a refund whose id is already on a Medusa refund
 * (`metadata.provider_refund_id`) or that did not succeed is skipped; one Medusa issued itself
 * (`medusa_refund_id`) is skipped while its Medusa refund exists, and the provider's id is stored
 * on it. A refund Medusa issued but whose Medusa record was rolled back after the provider accepted
 * it is recorded like a dashboard refund. Nothing calls the provider. The order gets a matching
 * refund transaction. Compensation deletes what was created and undoes the annotations.
 */
export const recordProviderRefundsStep = createStep(
  recordProviderRefundsStepId,
  async (input: { payment_id: string; order_id: string | null; currency_code: string; refunds: ProviderRefund[] }, { container }) => {
    const paymentModule = container.resolve<RefundWriter>(Modules.PAYMENT)
    const payment: PaymentDTO = await paymentModule.retrievePayment(input.payment_id, { relations: ["refunds"] })
    const medusaRefunds = (payment.refunds ?? []) as { id: string; metadata?: RefundMetadata }[]
    const byProviderId = new Set(medusaRefunds.map((refund) => refund.metadata?.provider_refund_id).filter(Boolean))
    const byMedusaId = new Map(medusaRefunds.map((refund) => [refund.id, refund]))
    const succeeded = input.refunds.filter((refund) => !UNSUCCESSFUL.has(refund.status ?? "") && !byProviderId.has(refund.id))
    const annotations: Annotation[] = succeeded
      .filter((refund) => refund.medusa_refund_id && byMedusaId.has(refund.medusa_refund_id))
      .map((refund) => {
        const medusaRefund = byMedusaId.get(refund.medusa_refund_id as string)!
        return { id: medusaRefund.id, metadata: { ...(medusaRefund.metadata ?? {}), provider_refund_id: refund.id } }
      })
    const fresh = succeeded.filter((refund) => !(refund.medusa_refund_id && byMedusaId.has(refund.medusa_refund_id)))
    if (annotations.length) {
      await paymentModule.updateRefunds(annotations.map(({ id, metadata }) => ({ id, metadata: metadata ?? {} })))
    }
    const undoAnnotations = annotations.map(({ id }) => ({ id, metadata: byMedusaId.get(id)?.metadata ?? null }))
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
