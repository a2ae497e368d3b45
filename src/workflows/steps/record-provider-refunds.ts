import type { IOrderModuleService, IPaymentModuleService, PaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const recordProviderRefundsStepId = "record-provider-refunds"

/** A refund reported by the provider (major units). */
export interface ProviderRefund {
  id: string
  amount: number
  status?: string | null
  medusa_initiated?: boolean
}

type RefundWriter = IPaymentModuleService & {
  createRefunds(data: { payment_id: string; amount: number; note: string; metadata: Record<string, unknown> }[]): Promise<{ id: string; amount: unknown }[]>
}

const UNSUCCESSFUL = new Set(["failed", "canceled"])

/**
 * Records refunds made at the provider (e.g. in the Stripe dashboard) on the Medusa payment, each
 * once: a refund whose provider id is already on the payment, that Medusa issued itself, or that
 * did not succeed is skipped. Nothing calls the provider. The order gets a matching refund
 * transaction. Compensation deletes exactly what was created.
 */
export const recordProviderRefundsStep = createStep(
  recordProviderRefundsStepId,
  async (input: { payment_id: string; order_id: string | null; currency_code: string; refunds: ProviderRefund[] }, { container }) => {
    const paymentModule = container.resolve<RefundWriter>(Modules.PAYMENT)
    const payment: PaymentDTO = await paymentModule.retrievePayment(input.payment_id, { relations: ["refunds"] })
    const known = new Set(
      (payment.refunds ?? []).map(
        (refund) => ((refund as { metadata?: Record<string, unknown> | null }).metadata ?? {}).provider_refund_id
      )
    )
    const fresh = input.refunds.filter(
      (refund) => !refund.medusa_initiated && !UNSUCCESSFUL.has(refund.status ?? "") && !known.has(refund.id)
    )
    if (!fresh.length) {
      return new StepResponse({ recorded: [] as string[] }, null)
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
      { refund_ids: created.map((refund: { id: string }) => refund.id), transaction_ids: transactionIds }
    )
  },
  async (created, { container }) => {
    if (!created) {
      return
    }
    if (created.transaction_ids.length) {
      await container.resolve<IOrderModuleService>(Modules.ORDER).deleteOrderTransactions(created.transaction_ids)
    }
    await container.resolve<IPaymentModuleService>(Modules.PAYMENT).deleteRefunds(created.refund_ids)
  }
)
