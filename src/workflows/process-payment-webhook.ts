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
import { resolvePaymentLockKeyStep } from "./steps/resolve-payment-lock-key"
import { updatePaymentSessionStatusStep } from "./steps/update-payment-session-status"
import { decidePaymentWebhookPlan, NOTHING_TO_DO, paymentFacts, remainingToCapture } from "./utils/plan"

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
 * claim the inbox row -> lock the purchase's cart -> read the session, payment, cart and order ->
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
    const lockKey = resolvePaymentLockKeyStep({ session_id: sessionId })

    acquireLockStep({ key: lockKey, timeout: LOCK_TIMEOUT_SECONDS, ttl: LOCK_TTL_SECONDS })

    const context = resolvePaymentContextStep({ session_id: sessionId })
    const plan = transform({ event, context }, ({ event, context }) => decidePaymentWebhookPlan(event, context))

    const authorized = when("authorize-payment-session", { plan }, ({ plan }) => plan.authorize).then(() =>
      authorizePaymentSessionStep({ id: sessionId as string, context: {} })
    )
    const capture = transform({ plan, context, authorized }, ({ plan, context, authorized }) => ({
      payment_id: (context?.payment?.id ?? authorized?.id ?? null) as string,
      amount: remainingToCapture(plan.capture_target, context?.payment ?? paymentFacts(authorized)),
    }))

    when("capture-payment", { capture }, ({ capture }) => capture.amount > 0 && !!capture.payment_id).then(() => {
      // A capture cannot be undone: if cart completion fails after it, the money is given back by
      // refundIfCartNotCompletedStep's compensation, never by reversing this step.
      capturePaymentWorkflow.runAsStep({ input: capture })
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
      refundIfCartNotCompletedStep({ event_id: input.event_id, payment_id: capture.payment_id, cart_id: plan.cart_id as string })
      completeCartWorkflow.runAsStep({ input: { id: plan.cart_id as string } })
    })

    releaseLockStep({ key: lockKey })

    const outcome = transform({ plan, capture, statusChange }, ({ plan, capture, statusChange }) => {
      if (statusChange && !statusChange.applied) {
        return `superseded: session already ${statusChange.previous}, ${plan.session_status} not applied`
      }
      if (capture.amount <= 0) {
        return plan.outcome
      }
      return plan.outcome === NOTHING_TO_DO ? `captured ${capture.amount}` : `captured ${capture.amount}, ${plan.outcome}`
    })
    const processed = when("payment-webhook-claimed", { event }, ({ event }) => !!event).then(() =>
      completePaymentWebhookEventStep({ id: input.event_id, outcome })
    )

    return new WorkflowResponse(processed)
  }
)
