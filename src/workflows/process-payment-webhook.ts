import {
  acquireLockStep,
  authorizePaymentSessionStep,
  capturePaymentWorkflow,
  completeCartWorkflow,
  emitEventStep,
  releaseLockStep,
} from "@medusajs/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { claimPaymentWebhookEventStep } from "./steps/claim-payment-webhook-event"
import { completePaymentWebhookEventStep } from "./steps/complete-payment-webhook-event"
import { recordPaymentDisputeStep } from "./steps/record-payment-dispute"
import { recordProviderRefundsStep } from "./steps/record-provider-refunds"
import { refundIfCartNotCompletedStep } from "./steps/refund-if-cart-not-completed"
import { resolvePaymentContextStep } from "./steps/resolve-payment-context"
import { updatePaymentSessionStatusStep } from "./steps/update-payment-session-status"
import { decidePaymentWebhookPlan } from "./utils/plan"

export const processPaymentWebhookWorkflowId = "process-payment-webhook"

/** Emitted when a dispute on a payment was opened or changed. */
export const PAYMENT_DISPUTED_EVENT = "payment.disputed"

/** Input of `processPaymentWebhookWorkflow`: the inbox row to process. */
export interface ProcessPaymentWebhookInput {
  event_id: string
}

const LOCK_TIMEOUT_SECONDS = 30
const LOCK_TTL_SECONDS = 120

/**
 * Processes one stored webhook event, exactly once:
 * claim the inbox row -> find the session, payment, cart and order -> lock the cart ->
 * authorize, or capture what is not captured yet -> record provider refunds and disputes, or move
 * the session status forward -> complete the cart if it has no order yet (still holding the lock,
 * so the storefront's own completion waits and then finds the order; if completion fails the money
 * is given back) -> release the lock -> mark the row processed.
 */
export const processPaymentWebhookWorkflow = createWorkflow(
  processPaymentWebhookWorkflowId,
  (input: ProcessPaymentWebhookInput) => {
    const event = claimPaymentWebhookEventStep({ id: input.event_id })
    const sessionId = transform({ event }, ({ event }) => event?.session_id ?? null)
    const context = resolvePaymentContextStep({ session_id: sessionId })
    const plan = transform({ event, context }, ({ event, context }) => decidePaymentWebhookPlan(event, context))
    const lockKey = transform({ context }, ({ context }) => context?.lock_key)

    acquireLockStep({ key: lockKey, timeout: LOCK_TIMEOUT_SECONDS, ttl: LOCK_TTL_SECONDS })

    const authorized = when("authorize-payment-session", { plan }, ({ plan }) => plan.authorize).then(() =>
      authorizePaymentSessionStep({ id: sessionId as string, context: {} })
    )
    const paymentId = transform({ plan, authorized }, ({ plan, authorized }) => plan.payment_id ?? authorized?.id ?? null)

    when("capture-payment", { plan, paymentId }, ({ plan, paymentId }) => plan.capture_amount > 0 && !!paymentId).then(() => {
      // A capture cannot be undone: if cart completion fails after it, the money is given back by
      // refundIfCartNotCompletedStep's compensation, never by reversing this step.
      capturePaymentWorkflow.runAsStep({
        input: transform({ plan, paymentId }, ({ plan, paymentId }) => ({
          payment_id: paymentId as string,
          amount: plan.capture_amount,
        })),
      })
    })

    when("record-provider-refunds", { plan }, ({ plan }) => plan.refunds.length > 0).then(() => {
      recordProviderRefundsStep({
        payment_id: plan.payment_id as string,
        order_id: plan.order_id,
        currency_code: plan.currency_code as string,
        refunds: plan.refunds,
      })
    })

    const dispute = when("record-payment-dispute", { plan }, ({ plan }) => !!plan.dispute).then(() =>
      recordPaymentDisputeStep({ payment_id: plan.payment_id as string, dispute: plan.dispute! })
    )
    when("emit-payment-disputed", { dispute }, ({ dispute }) => !!dispute).then(() => {
      emitEventStep({
        eventName: PAYMENT_DISPUTED_EVENT,
        data: transform({ plan, dispute }, ({ plan, dispute }) => ({ id: plan.payment_id, dispute })),
      })
    })

    const statusChange = when("update-payment-session-status", { plan }, ({ plan }) => !!plan.session_status).then(() =>
      updatePaymentSessionStatusStep({ session_id: sessionId as string, status: plan.session_status! })
    )

    when("complete-cart", { plan }, ({ plan }) => plan.complete_cart).then(() => {
      refundIfCartNotCompletedStep({ event_id: input.event_id, payment_id: paymentId, cart_id: plan.cart_id as string })
      completeCartWorkflow.runAsStep({ input: { id: plan.cart_id as string } })
    })

    releaseLockStep({ key: lockKey })

    const outcome = transform({ plan, statusChange }, ({ plan, statusChange }) =>
      statusChange && !statusChange.applied
        ? `superseded: session already ${statusChange.previous}, ${plan.session_status} not applied`
        : plan.outcome
    )
    const processed = when("payment-webhook-claimed", { event }, ({ event }) => !!event).then(() =>
      completePaymentWebhookEventStep({ id: input.event_id, outcome })
    )

    return new WorkflowResponse(processed)
  }
)
