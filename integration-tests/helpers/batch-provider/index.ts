import { createHmac } from "node:crypto"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentOutput,
  CapturePaymentOutput,
  DeletePaymentOutput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  ProviderWebhookPayload,
  RefundPaymentOutput,
  RetrievePaymentOutput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, ModuleProvider, Modules } from "@medusajs/framework/utils"
import {
  actionFromTable,
  constantTimeEqual,
  defineWebhookEventTable,
  hmacSignature,
  invalidPayload,
  verifyWithAnySecret,
  type WebhookAcknowledgement,
  type WebhookBatchProvider,
} from "../../../src/providers/kit"

/**
 * A test payment provider whose webhooks come in batches, as Adyen's do: `{ items: [...] }`, each item
 * signed on its own (HMAC-SHA256 of `id.type.session_id.amount.currency_code`, base64). It is built
 * with the provider kit only, and registered in the test app as `pp_batch_batch` (JSON answers) and
 * `pp_batchack_batch` (answers `[accepted]`) when PAYMENT_WEBHOOKS_TEST_BATCH_SECRET is set.
 * Payments are accepted as they are: this provider exists for its webhook side.
 */
export type BatchItem = {
  id: string
  type: string
  session_id: string | null
  /** Major units. */
  amount: number
  currency_code: string
  occurred_at: string
  signature?: string
}

/** The event types of the batch provider and the action each means. */
export const BATCH_EVENT_ACTIONS = defineWebhookEventTable({
  "payment.authorised": "authorized",
  "payment.captured": "captured",
  "payment.refunded": "refunded",
})

/** What an item's signature covers. */
export function signedContentOf(item: BatchItem): string {
  return [item.id, item.type, item.session_id ?? "", item.amount, item.currency_code].join(".")
}

/** The signature of an item under `secret`, as the batch provider's sender makes it. */
export function signBatchItem(item: BatchItem, secret: string): BatchItem {
  return { ...item, signature: createHmac("sha256", secret).update(signedContentOf(item)).digest("base64") }
}

class BatchProviderService extends AbstractPaymentProvider<{ secrets: string[] }> implements WebhookBatchProvider {
  static override identifier = "batch"

  /** Every item must verify; one that does not refuses the whole request (nothing is stored). */
  async getWebhookEvents(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult[]> {
    const items = (payload.data as { items?: unknown })?.items
    if (!Array.isArray(items)) {
      throw invalidPayload("the body has no items")
    }
    return items.map((item: BatchItem, index) => {
      if (item === null || typeof item !== "object" || typeof item.id !== "string") {
        throw invalidPayload(`item ${index} is not an event`)
      }
      verifyWithAnySecret(this.config.secrets, (secret) =>
        constantTimeEqual(hmacSignature("sha256", secret, signedContentOf(item), "base64"), item.signature)
      )
      return {
        action: actionFromTable(BATCH_EVENT_ACTIONS, item.type),
        data: {
          event_id: item.id,
          event_type: item.type,
          occurred_at: item.occurred_at,
          session_id: item.session_id,
          amount: item.amount,
          currency_code: item.currency_code,
        },
      } as WebhookActionResult
    })
  }

  /** Single-event deliveries are not how this provider sends webhooks; the route uses `getWebhookEvents`. */
  async getWebhookActionAndData(): Promise<WebhookActionResult> {
    throw invalidPayload("batch provider webhooks are read with getWebhookEvents")
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    return { id: `batchpay_${Date.now()}`, data: { ...input.data } }
  }
  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return { status: "authorized", data: input.data }
  }
  async getPaymentStatus(input: AuthorizePaymentInput): Promise<GetPaymentStatusOutput> {
    return { status: "authorized", data: input.data }
  }
  async capturePayment(input: { data?: Record<string, unknown> }): Promise<CapturePaymentOutput> {
    return { data: input.data }
  }
  async cancelPayment(input: { data?: Record<string, unknown> }): Promise<CancelPaymentOutput> {
    return { data: input.data }
  }
  async deletePayment(input: { data?: Record<string, unknown> }): Promise<DeletePaymentOutput> {
    return { data: input.data }
  }
  async refundPayment(input: { data?: Record<string, unknown> }): Promise<RefundPaymentOutput> {
    return { data: input.data }
  }
  async retrievePayment(input: { data?: Record<string, unknown> }): Promise<RetrievePaymentOutput> {
    return { data: input.data }
  }
  async updatePayment(input: { data?: Record<string, unknown> }): Promise<UpdatePaymentOutput> {
    return { data: input.data }
  }
}

/** The same provider, acknowledging with the body its sender expects instead of the route's JSON. */
class AcknowledgingBatchProviderService extends BatchProviderService {
  static override identifier = "batchack"

  webhookAcknowledgement(): WebhookAcknowledgement {
    return { contentType: "text/plain", body: "[accepted]" }
  }
}

export default ModuleProvider(Modules.PAYMENT, {
  services: [BatchProviderService, AcknowledgingBatchProviderService],
})
