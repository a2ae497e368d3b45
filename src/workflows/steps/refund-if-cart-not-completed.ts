import type { IEventBusModuleService, IPaymentModuleService, Logger, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import { sumAmounts } from "../utils/amounts"

export const refundIfCartNotCompletedStepId = "refund-if-cart-not-completed"

/** Emitted when a cart could not become an order and the shopper's money was given back. */
export const PAYMENT_WEBHOOK_COMPENSATED_EVENT = "payment_webhook.compensated"

/**
 * Does nothing going forward. It stands right before cart completion so that, if completion fails
 * after the payment was captured, its compensation gives the money back: it refunds what was
 * captured and is not refunded yet (or voids an authorization), marks the inbox row `dead` with the
 * reason, and emits `payment_webhook.compensated`. A capture cannot be undone; this is where it is
 * made good. completeCartWorkflow's own compensation usually refunds a captured payment first; then
 * nothing is left to refund here, and a captured payment is never voided (Stripe refuses that).
 */
export const refundIfCartNotCompletedStep = createStep(
  refundIfCartNotCompletedStepId,
  async (input: { event_id: string; payment_id: string | null; cart_id: string }) => {
    return new StepResponse(undefined, input)
  },
  async (input, { container }) => {
    if (!input?.payment_id) {
      return
    }
    // The cart became an order after all (completed elsewhere): the money is paying for it.
    const { data: orders } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
      entity: "order_cart",
      fields: ["order_id"],
      filters: { cart_id: input.cart_id },
    })
    if (orders.length) {
      return
    }
    const paymentModule = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const payment: PaymentDTO = await paymentModule.retrievePayment(input.payment_id, {
      relations: ["captures", "refunds"],
    })
    const captured = sumAmounts(payment.captures)
    const refundable = MathBN.sub(captured, sumAmounts(payment.refunds))
    let outcome: string
    if (MathBN.gt(refundable, 0)) {
      await paymentModule.refundPayment({
        payment_id: payment.id,
        amount: refundable,
        note: `Cart ${input.cart_id} could not be completed`,
      })
      outcome = `compensated: refunded ${refundable.toString()} because the cart could not be completed`
    } else if (captured > 0) {
      outcome = `compensated: captured ${captured} already refunded because the cart could not be completed`
    } else {
      await paymentModule.cancelPayment(payment.id)
      outcome = "compensated: authorization voided because the cart could not be completed"
    }
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    await inbox.failEvent(input.event_id, { error: "cart completion failed", retryAt: null, outcome })
    container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`payment-webhook ${JSON.stringify({ id: input.event_id, status: "dead", outcome })}`)
    await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
      name: PAYMENT_WEBHOOK_COMPENSATED_EVENT,
      data: { id: input.event_id, cart_id: input.cart_id, payment_id: payment.id, outcome },
    })
  }
)
