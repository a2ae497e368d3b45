import {
  acquireLockStep,
  authorizePaymentSessionStep,
  capturePaymentWorkflow,
  completeCartWorkflow,
  releaseLockStep,
} from "@medusajs/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { claimPaymentWebhookEventStep } from "./steps/claim-payment-webhook-event"
import { completePaymentWebhookEventStep } from "./steps/complete-payment-webhook-event"
import { resolvePaymentContextStep } from "./steps/resolve-payment-context"
import { updatePaymentSessionStatusStep } from "./steps/update-payment-session-status"
import { decidePaymentWebhookPlan } from "./utils/plan"

export const processPaymentWebhookWorkflowId = "process-payment-webhook"

/** Input of `processPaymentWebhookWorkflow`: the inbox row to process. */
export interface ProcessPaymentWebhookInput {
  event_id: string
}

const LOCK_TIMEOUT_SECONDS = 30
const LOCK_TTL_SECONDS = 120

/**
 * Processes one stored webhook event, exactly once:
 * claim the inbox row -> find the session, payment, cart and order -> lock the cart ->
 * authorize, or capture what is not captured yet, or move the session status forward ->
 * complete the cart if it has no order yet (still holding the lock, so the storefront's own
 * completion waits and then finds the order) -> release the lock -> mark the row processed.
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

    const captureInput = transform({ plan, context, authorized }, ({ plan, context, authorized }) => ({
      payment_id: (context?.payment?.id ?? authorized?.id) as string,
      amount: plan.capture_amount,
    }))
    when("capture-payment", { plan, captureInput }, ({ plan, captureInput }) =>
      plan.capture_amount > 0 && !!captureInput.payment_id
    ).then(() => {
      // A capture cannot be undone: if anything after it fails, the money is given back by
      // the refund compensation further down, never by reversing this step.
      capturePaymentWorkflow.runAsStep({ input: captureInput })
    })

    when("update-payment-session-status", { plan }, ({ plan }) => !!plan.session_status).then(() => {
      updatePaymentSessionStatusStep({ session_id: sessionId as string, status: plan.session_status! })
    })

    when("complete-cart", { plan }, ({ plan }) => plan.complete_cart).then(() => {
      completeCartWorkflow.runAsStep({ input: { id: plan.cart_id as string } })
    })

    releaseLockStep({ key: lockKey })

    const processed = when("payment-webhook-claimed", { event }, ({ event }) => !!event).then(() =>
      completePaymentWebhookEventStep({ id: input.event_id, outcome: plan.outcome })
    )

    return new WorkflowResponse(processed)
  }
)
