import type { IEventBusModuleService, ILockingModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { PaymentWebhookEvents } from "../events"
import { logWebhookState } from "../log"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../modules/payment-webhooks/types"
import { retryDelayMs } from "../modules/payment-webhooks/utils/backoff"
import { redactWebhookPayload } from "../modules/payment-webhooks/utils/redact"
import { givePaymentBackWorkflow } from "../workflows/give-payment-back"
import {
  processPaymentWebhookWorkflow,
  type ProcessPaymentWebhookResult,
} from "../workflows/process-payment-webhook"
import { NOTHING_TO_DO } from "../workflows/utils/plan"
import { cartCannotBeCompleted, describeWorkflowErrors, shouldRetry, type WorkflowFailure } from "./failure-policy"
import { ProcessingLease, withProcessingLease, WORKER_ID } from "./lease"

/** What became of one processing run. */
export type ProcessOutcome = "processed" | "skipped" | "failed" | "dead" | "lease_lost"

/** Options of one processing run. */
export interface ProcessEventOptions {
  /** Take a `failed` or `dead` row now, whatever its schedule (a manual replay). */
  force?: boolean
  /**
   * With `force`: take a `processed` or `ignored` row as well (a forced replay). The workflow plans
   * from live state, so an order that exists is not made again and a recorded capture not repeated.
   */
  reopenFinished?: boolean
  /** Who asked for the replay (an admin user id), recorded on the attempt. */
  requestedBy?: string | null
}

/**
 * Processes one inbox row, the one place that decides a row's state:
 * claim it (atomically, with a fencing token) -> keep its lease alive while working -> run
 * `process-payment-webhook` -> record the result: `processed`/`ignored`, `failed` with the next
 * attempt on the backoff schedule, or `dead` after the last attempt or for an error no retry can
 * fix. When cart completion failed for good (an item sold out, the cart is gone) after the money
 * moved, the money is given back first and the row is `dead` with that outcome.
 *
 * Every final write is fenced: a worker that lost its lease (it was frozen, another took over)
 * changes nothing and logs it. One event per outcome: `payment_webhook.dead` or
 * `payment_webhook.compensated`. Returns `skipped` when the row was not claimable.
 */
export async function processPaymentWebhookEvent(
  container: MedusaContainer,
  eventId: string,
  options: ProcessEventOptions = {}
): Promise<ProcessOutcome> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const claim = await inbox.claimEvent(eventId, {
    worker: WORKER_ID,
    force: options.force,
    reopenFinished: options.reopenFinished,
    requestedBy: options.requestedBy,
  })
  if (!claim) {
    return "skipped"
  }
  const { token } = claim
  logState(logger, claim.event, {
    worker: WORKER_ID,
    ...(options.force && {
      trigger: ["processed", "ignored"].includes(claim.previousStatus) ? "forced_replay" : "replay",
      requested_by: options.requestedBy ?? null,
    }),
  })

  const lease = new ProcessingLease(eventId, token, {
    inbox,
    locking: container.resolve<ILockingModule>(Modules.LOCKING),
    logger,
  })
  lease.start()
  let run: { result?: ProcessPaymentWebhookResult; failure?: WorkflowFailure }
  try {
    run = await withProcessingLease(lease, async () => {
      const first = await runWorkflow(container, eventId, token)
      if (!first.result?.capture_after_order) {
        return first
      }
      // The cart became an order in that run; the provider's capture is recorded in a run of its own,
      // so that a failure there is retried without reverting the order (see the workflow).
      const second = await runWorkflow(container, eventId, token)
      return second.result ? { result: mergeRuns(first.result, second.result) } : second
    })
    if (run.failure && lease.held && cartCannotBeCompleted(run.failure)) {
      return await givePaymentBack(container, claim.event, token, run.failure)
    }
  } finally {
    lease.stop()
  }

  if (run.result) {
    const finished = await inbox.finishEvent(eventId, token, {
      status: run.result.status,
      outcome: run.result.outcome,
      order_id: run.result.order_id,
      ...(inbox.options.redactPayloads && { payload: redactWebhookPayload(claim.event.payload) }),
    })
    return finished ? (logState(logger, finished), "processed") : refused(logger, claim.event, token)
  }

  const failure = run.failure!
  const retry = shouldRetry({
    attempts: token,
    maxAttempts: inbox.options.maxAttempts,
    errorType: failure.type,
    occurredAt: claim.event.occurred_at ? new Date(claim.event.occurred_at) : null,
    now: new Date(),
  })
  const finished = await inbox.finishEvent(
    eventId,
    token,
    retry
      ? {
          status: "failed",
          error: failure.message,
          retryAt: new Date(
            Date.now() +
              retryDelayMs(token, { baseDelayMs: inbox.options.retryBaseDelayMs, maxDelayMs: inbox.options.retryMaxDelayMs })
          ),
        }
      : { status: "dead", error: failure.message }
  )
  if (!finished) {
    return refused(logger, claim.event, token)
  }
  logState(logger, finished, { error: failure.message })
  if (finished.status !== "dead") {
    return "failed"
  }
  await emit(container, PaymentWebhookEvents.DEAD, { id: finished.id, reason: failure.message })
  return "dead"
}

/** One run of `process-payment-webhook` for a claimed row: its result, or its first error. */
async function runWorkflow(
  container: MedusaContainer,
  eventId: string,
  token: number
): Promise<{ result?: ProcessPaymentWebhookResult; failure?: WorkflowFailure }> {
  const { result, errors } = await processPaymentWebhookWorkflow(container).run({
    input: { event_id: eventId, token },
    throwOnError: false,
  })
  return errors?.length ? { failure: describeWorkflowErrors(errors) } : { result: result as ProcessPaymentWebhookResult }
}

/** The row's result after a completing run and the capturing run after it: both runs' outcomes. */
function mergeRuns(completing: ProcessPaymentWebhookResult, capturing: ProcessPaymentWebhookResult): ProcessPaymentWebhookResult {
  const outcome = capturing.outcome === NOTHING_TO_DO ? completing.outcome : `${capturing.outcome}, ${completing.outcome}`
  return { ...capturing, outcome, order_id: capturing.order_id ?? completing.order_id }
}

/**
 * The cart can never become an order: under the cart's lock, refund or void what the shopper paid
 * (unless the cart got an order meanwhile), then mark the row `dead` with what was done and emit
 * `payment_webhook.compensated`. If giving the money back fails, the row is `failed` and the whole
 * event is retried.
 */
async function givePaymentBack(
  container: MedusaContainer,
  event: PaymentWebhookEventDTO,
  token: number,
  failure: WorkflowFailure
): Promise<ProcessOutcome> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  // The session and cart as processing resolved them (the claim's copy predates that).
  const { session_id, cart_id } = await inbox.retrieveEvent(event.id)
  const { result, errors } = await givePaymentBackWorkflow(container).run({
    input: {
      event_id: event.id,
      token,
      session_id: session_id as string,
      cart_id: cart_id as string,
      provider_captured: event.action === "captured" ? { amount: event.amount ?? null } : null,
    },
    throwOnError: false,
  })
  if (errors?.length) {
    const giveBackFailure = describeWorkflowErrors(errors)
    const error = `${failure.message}; giving the money back failed: ${giveBackFailure.message}`
    const failed = await inbox.finishEvent(event.id, token, {
      status: "failed",
      error,
      retryAt: new Date(Date.now() + inbox.options.retryBaseDelayMs),
    })
    return failed ? (logState(logger, failed, { error }), "failed") : refused(logger, event, token)
  }
  const outcome = result.outcome ?? "cart completed elsewhere; nothing given back"
  const dead = await inbox.finishEvent(event.id, token, { status: "dead", error: failure.message, outcome })
  if (!dead) {
    return refused(logger, event, token)
  }
  logState(logger, dead, { error: failure.message })
  await emit(container, PaymentWebhookEvents.COMPENSATED, {
    id: dead.id,
    cart_id,
    payment_id: result.payment_id,
    outcome,
  })
  return "dead"
}

function refused(logger: Logger, event: PaymentWebhookEventDTO, token: number): ProcessOutcome {
  logger.warn(
    `payment-webhook ${JSON.stringify({
      id: event.id,
      provider_id: event.provider_id,
      status: "stale_write_refused",
      attempt: token,
      worker: WORKER_ID,
    })}`
  )
  return "lease_lost"
}

function logState(
  logger: Logger,
  event: PaymentWebhookEventDTO,
  extra: { error?: string; worker?: string; trigger?: string; requested_by?: string | null } = {}
): void {
  logWebhookState(logger, {
    id: event.id,
    provider_id: event.provider_id,
    status: event.status,
    event_type: event.event_type,
    action: event.action,
    session_id: event.session_id,
    attempts: event.attempts,
    outcome: event.outcome,
    next_attempt_at: event.status === "failed" ? event.next_attempt_at : undefined,
    ...extra,
  })
}

async function emit(container: MedusaContainer, name: string, data: Record<string, unknown>): Promise<void> {
  await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({ name, data })
}
