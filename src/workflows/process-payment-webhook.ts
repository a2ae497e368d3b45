import { capturePaymentWorkflow, completeCartWorkflow, emitEventStep } from "@medusajs/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { PaymentWebhookEvents } from "../events"
import type { VerifiedWebhookEvent } from "../providers/verified-webhook-event"
import { acquirePaymentLockStep } from "./steps/acquire-payment-lock"
import { assertLeaseHeldStep } from "./steps/assert-lease-held"
import { recordEventPurchaseStep } from "./steps/record-event-purchase"
import { recordPaymentAuthorizationStep } from "./steps/record-payment-authorization"
import { recordPaymentDisputeStep } from "./steps/record-payment-dispute"
import { recordProviderRefundsStep } from "./steps/record-provider-refunds"
import { releasePaymentLockStep } from "./steps/release-payment-lock"
import { resolvePaymentContextStep } from "./steps/resolve-payment-context"
import { resolvePaymentLockKeyStep } from "./steps/resolve-payment-lock-key"
import { resolveWebhookEventStep } from "./steps/resolve-webhook-event"
import { updatePaymentSessionStatusStep } from "./steps/update-payment-session-status"
import { decidePaymentWebhookPlan, NOTHING_TO_DO, paymentFacts, remainingToCapture } from "./utils/plan"

export const processPaymentWebhookWorkflowId = "process-payment-webhook"

/**
 * Input of `processPaymentWebhookWorkflow`: an inbox row claimed by the processing loop
 * (`processPaymentWebhookEvent`), and the fencing token of that claim.
 */
export interface ProcessPaymentWebhookInput {
  event_id: string
  token: number
}

/** What the workflow did with the event: the row's final status, its outcome line and the order, if any. */
export interface ProcessPaymentWebhookResult {
  status: "processed" | "ignored"
  outcome: string
  order_id: string | null
  /**
   * This run completed the cart and the provider's capture is still to be recorded in Medusa: run the
   * workflow again for the same claim (the processing loop does) and that run captures. See the
   * workflow's description for why the two never share a run.
   */
  capture_after_order: boolean
}

/**
 * Applies one claimed webhook event to Medusa, exactly once:
 * complete the event at the provider if the acknowledgement could not -> lock the purchase's cart ->
 * read the session, payment, cart and order -> authorize, or capture what is not captured yet ->
 * record provider refunds and disputes, or move the session status forward -> complete the cart if
 * it has no order yet (still holding the lock, so the storefront's own completion waits and then
 * finds the order) -> release the lock.
 *
 * A run that completes the cart records no capture: when completion fails, Medusa's
 * `completeCartWorkflow` refunds a payment that is already captured (its own compensation), and a
 * failure in any step after completion would cancel the completion (and so delete the order and void
 * the payment). So that run authorizes asking the provider to report a payment it already captured
 * as authorized (`RECORD_CAPTURE_LATER_KEY`), completes the cart, and reports `capture_after_order`;
 * the next run, which finds the order, records the capture, and a failure there is retried without
 * touching the order. Nothing that can fail runs after the completion: releasing the lock never throws.
 *
 * The processing loop claims the row before and records the result after; it also gives the money
 * back when the cart can never become an order.
 */
export const processPaymentWebhookWorkflow = createWorkflow(
  processPaymentWebhookWorkflowId,
  (input: ProcessPaymentWebhookInput) => {
    const event = resolveWebhookEventStep(input)
    const sessionId = transform({ event }, ({ event }) => event.session_id ?? null)
    const lockKey = resolvePaymentLockKeyStep({ session_id: sessionId })

    acquirePaymentLockStep({ key: lockKey, event_id: input.event_id, token: input.token })
    assertLeaseHeldStep()

    const context = resolvePaymentContextStep({ session_id: sessionId })
    recordEventPurchaseStep(
      transform({ input, context }, ({ input, context }) => ({
        event_id: input.event_id,
        token: input.token,
        cart_id: context?.cart_id ?? null,
        order_id: context?.order_id ?? null,
      }))
    )
    const plan = transform({ event, context }, ({ event, context }) => decidePaymentWebhookPlan(event, context))

    const authorized = when("authorize-payment-session", { plan }, ({ plan }) => plan.authorize).then(() =>
      recordPaymentAuthorizationStep({
        session_id: sessionId as string,
        event: transform({ event }, ({ event }) => ({
          action: event!.action,
          data: ((event!.payload as { data?: VerifiedWebhookEvent["data"] } | null)?.data ?? {}) as VerifiedWebhookEvent["data"],
        })),
        record_capture_later: transform({ plan }, ({ plan }) => plan.complete_cart),
      })
    )
    const remaining = transform({ plan, context, authorized }, ({ plan, context, authorized }) =>
      remainingToCapture(plan.capture_target, context?.payment ?? paymentFacts(authorized))
    )
    const capture = transform({ plan, context, authorized, remaining }, ({ plan, context, authorized, remaining }) => ({
      payment_id: (context?.payment?.id ?? authorized?.id ?? null) as string,
      // Not in the run that completes the cart (see above): the next run captures.
      amount: plan.complete_cart ? 0 : remaining,
    }))

    when("capture-payment", { capture }, ({ capture }) => capture.amount > 0 && !!capture.payment_id).then(() => {
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
        eventName: PaymentWebhookEvents.PAYMENT_DISPUTED,
        data: transform({ plan, dispute }, ({ plan, dispute }) => ({ id: plan.payment_id, dispute })),
      })
    })

    const statusChange = when("update-payment-session-status", { plan }, ({ plan }) => !!plan.session_status).then(() =>
      updatePaymentSessionStatusStep({ session_id: sessionId as string, status: plan.session_status! })
    )

    const completed = when("complete-cart", { plan }, ({ plan }) => plan.complete_cart).then(() => {
      assertLeaseHeldStep().config({ name: "assert-lease-held-before-completion" })
      return completeCartWorkflow.runAsStep({ input: { id: plan.cart_id as string } })
    })

    releasePaymentLockStep({ key: lockKey, event_id: input.event_id, token: input.token })

    const result = transform(
      { plan, capture, remaining, statusChange, sessionId, completed },
      ({ plan, capture, remaining, statusChange, sessionId, completed }): ProcessPaymentWebhookResult => {
        const order_id = completed?.id ?? plan.order_id
        const capture_after_order = plan.complete_cart && remaining > 0
        if (!sessionId) {
          return { status: "ignored", outcome: "not about a Medusa payment session", order_id, capture_after_order }
        }
        if (statusChange && !statusChange.applied) {
          const outcome = `superseded: session already ${statusChange.previous}, ${plan.session_status} not applied`
          return { status: "processed", outcome, order_id, capture_after_order }
        }
        if (capture.amount <= 0) {
          return { status: "processed", outcome: plan.outcome, order_id, capture_after_order }
        }
        const captured = `captured ${capture.amount}`
        const outcome = plan.outcome === NOTHING_TO_DO ? captured : `${captured}, ${plan.outcome}`
        return { status: "processed", outcome, order_id, capture_after_order }
      }
    )
    return new WorkflowResponse(result)
  }
)
