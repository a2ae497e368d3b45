import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquirePaymentLockStep } from "./steps/acquire-payment-lock"
import { givePaymentBackStep } from "./steps/give-payment-back"
import { releasePaymentLockStep } from "./steps/release-payment-lock"

export const givePaymentBackWorkflowId = "give-payment-back"

/** Input of `givePaymentBackWorkflow`: the purchase, and the inbox row and attempt that decided it. */
export interface GivePaymentBackInput {
  event_id: string
  token: number
  session_id: string
  cart_id: string
  /**
   * What the provider reports it captured (major units) when the event was a capture, else null: a run
   * that completes a cart records the capture only after the order exists, so a capture the provider
   * made may not be recorded in Medusa yet. It is recorded before it is refunded. The whole payment
   * when the event names no amount.
   */
  provider_captured?: { amount: number | null } | null
}

/**
 * For a cart that can never become an order (an item sold out, the cart is gone) after the money
 * moved: under the cart's lock, refund what was captured or void the authorization, unless the cart
 * has an order by now. The processing loop runs it when cart completion failed for good.
 */
export const givePaymentBackWorkflow = createWorkflow(givePaymentBackWorkflowId, (input: GivePaymentBackInput) => {
  acquirePaymentLockStep({ key: input.cart_id, event_id: input.event_id, token: input.token })
  const result = givePaymentBackStep({
    session_id: input.session_id,
    cart_id: input.cart_id,
    provider_captured: input.provider_captured ?? null,
  })
  releasePaymentLockStep({ key: input.cart_id, event_id: input.event_id, token: input.token })
  return new WorkflowResponse(result)
})
