import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../modules/payment-webhooks/types"
import { eventFactsFrom } from "../../modules/payment-webhooks/utils/event-facts"
import { LeaseLostError } from "../../processing/lease"
import { paymentProviderOf } from "../../processing/payment-provider"
import { canResolveWebhookEvents, type PaymentWebhookData } from "../../providers/webhook-contract"

export const resolveWebhookEventStepId = "resolve-webhook-event"

/** The inbox row's payload: what the provider made of the delivery, and the verified body. */
type StoredPayload = { action?: string; data?: PaymentWebhookData; event?: unknown }

/**
 * Reads the claimed inbox row. When the provider marked the event `needs_resolution` (it needs the
 * provider's API to be understood, which the acknowledgement never calls), asks the provider's
 * `resolveWebhookEvent` now and stores the completed facts on the row, so a retry does not ask again.
 * No compensation: the stored facts describe the same event better, whatever happens next.
 */
export const resolveWebhookEventStep = createStep(
  resolveWebhookEventStepId,
  async (input: { event_id: string; token: number }, { container }) => {
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const row = await inbox.retrieveEvent(input.event_id)
    const payload = (row.payload ?? {}) as StoredPayload
    const provider = payload.data?.needs_resolution ? paymentProviderOf(container, row.provider_id) : null
    if (!payload.data || !canResolveWebhookEvents(provider)) {
      return new StepResponse<PaymentWebhookEventDTO>(row)
    }
    const resolved = await provider.resolveWebhookEvent({ action: row.action, data: payload.data, payload: payload.event })
    const data = { ...resolved.data, needs_resolution: false }
    const updated = await inbox.storeResolvedFacts(input.event_id, input.token, {
      ...eventFactsFrom(resolved.action, data as unknown as Record<string, unknown>),
      payload: { ...payload, action: resolved.action, data },
    })
    if (!updated) {
      throw new LeaseLostError(input.event_id, input.token)
    }
    return new StepResponse<PaymentWebhookEventDTO>(updated)
  }
)
