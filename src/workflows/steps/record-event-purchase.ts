import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import { LeaseLostError } from "../../processing/lease"

export const recordEventPurchaseStepId = "record-event-purchase"

/**
 * Stores on the inbox row the cart (and order) its session belongs to, as read under the lock.
 * No compensation: it is a fact about the event, true whatever happens next (and the processing
 * loop needs the cart if it must give the money back). Stops the run if the worker lost the row.
 */
export const recordEventPurchaseStep = createStep(
  recordEventPurchaseStepId,
  async (input: { event_id: string; token: number; cart_id: string | null; order_id: string | null }, { container }) => {
    if (!input.cart_id && !input.order_id) {
      return new StepResponse(undefined)
    }
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    if (!(await inbox.storePurchase(input.event_id, input.token, { cart_id: input.cart_id, order_id: input.order_id }))) {
      throw new LeaseLostError(input.event_id, input.token)
    }
    return new StepResponse(undefined)
  }
)
