import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { logWebhookState } from "../log"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { inParallel } from "./drain"
import { paymentProviderOf } from "./payment-provider"
import { processPaymentWebhookEvent, type ProcessOutcome } from "./process-event"
import { isSessionCheckDue, nextCheckAt, sessionDueAt, type ReconcileTiming, type SessionCheckState } from "./reconcile-schedule"

/**
 * Payment session statuses (Medusa's `PaymentSessionStatus`) the reconciler asks about: the checkout
 * started and nothing final is known. `pending_authorization` is where an asynchronous method
 * (bank redirect) waits after its `processing` webhook, so a missing `succeeded` is found too.
 */
export const RECONCILED_SESSION_STATUSES = ["pending", "requires_more", "pending_authorization", "authorized"] as const

/** Medusa's manual provider never reports a status (its `getPaymentStatus` throws); nothing to ask. */
const SYSTEM_PROVIDER_ID = "pp_system_default"

/** Provider statuses that mean money has moved: the purchase must become an order. */
const MONEY_MOVED: ReadonlySet<string> = new Set(["authorized", "captured"])

/** What `payment_session_check.last_status` says when the provider could not be asked. */
export const CHECK_FAILED = "check_failed"

const SESSION_PAGE_SIZE = 500
const LINK_CHUNK_SIZE = 200

/** What one reconciler run did. */
export interface ReconcileSummary {
  /** False when the plugin option `reconcile` is off: nothing was read or asked. */
  enabled: boolean
  /** Sessions in the window whose check was due and whose cart has no order. */
  due: number
  /** Sessions whose provider was asked (at most `reconcileBatchSize`). */
  checked: number
  /** New synthetic events stored and processed (money had moved). */
  reconciled: number
  /** Money had moved, but the same synthetic event was stored by an earlier run. */
  already_fed: number
  /** The provider reports no money movement yet: only the check was recorded. */
  pending: number
  /** Sessions whose check failed (provider error, storage error); logged, the run went on. */
  errors: number
}

type Query = { graph: (config: Record<string, unknown>) => Promise<{ data: Record<string, any>[] }> }

interface CandidateSession {
  id: string
  provider_id: string
  created_at: Date
  payment_collection_id: string
  check: SessionCheckState | undefined
  due_at: Date
}

interface SessionToCheck extends CandidateSession {
  amount: number
  currency_code: string
  data: Record<string, unknown>
}

type ProviderWithStatus = { getPaymentStatus: (input: { data: Record<string, unknown> }) => Promise<{ status: string }> }

let active: Promise<ReconcileSummary> | null = null
let queued: Promise<ReconcileSummary> | null = null

/**
 * The reconciler: asks providers about payments whose webhook never came. Finds payment sessions
 * that are `pending`, `requires_more`, `pending_authorization` or `authorized`, older than
 * `reconcileAfterMs` and younger than `reconcileWindowMs`, whose payment collection belongs to a cart
 * without an order, and whose next check is due (`reconcile-schedule.ts`); takes the
 * `reconcileBatchSize` that have been due longest and asks each one's provider
 * (`getPaymentStatus`, read-only), `recoveryConcurrency` at a time. When the provider says
 * `authorized` or `captured`, a synthetic event goes through the inbox and the same processing as
 * a webhook (dedupe, cart lock, compensation); otherwise only the check is recorded, with the next
 * one further away each time. One bad session is logged and recorded; the run goes on.
 *
 * One run at a time per process: a call while a run is going waits for it and then runs once more
 * (calls arriving meanwhile share that next run), so it always sees the state after its call.
 */
export function reconcilePaymentSessions(container: MedusaContainer): Promise<ReconcileSummary> {
  if (!active) {
    active = runReconciler(container).finally(() => {
      active = null
    })
    return active
  }
  queued ??= active
    .catch(() => undefined)
    .then(() => {
      queued = null
      return reconcilePaymentSessions(container)
    })
  return queued
}

async function runReconciler(container: MedusaContainer): Promise<ReconcileSummary> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const summary: ReconcileSummary = { enabled: inbox.options.reconcile, due: 0, checked: 0, reconciled: 0, already_fed: 0, pending: 0, errors: 0 }
  if (!inbox.options.reconcile) {
    return summary
  }
  const timing: ReconcileTiming = { afterMs: inbox.options.reconcileAfterMs, windowMs: inbox.options.reconcileWindowMs }
  const query = container.resolve(ContainerRegistrationKeys.QUERY) as unknown as Query
  try {
    const due = await dueSessions(query, inbox, timing, new Date())
    summary.due = due.length
    const batch = await withSessionDetails(query, due.slice(0, inbox.options.reconcileBatchSize))
    await inParallel(batch, inbox.options.recoveryConcurrency, async (session) => {
      summary.checked += 1
      summary[await checkSession(container, inbox, logger, timing, session)] += 1
    })
  } catch (error) {
    summary.errors += 1
    logger.warn(`payment-webhook-reconcile ${JSON.stringify({ status: "run_failed", error: messageOf(error) })}`)
  }
  if (summary.checked || summary.errors) {
    logger.info(`payment-webhook-reconcile ${JSON.stringify({ status: "run", ...summary })}`)
  }
  return summary
}

/**
 * Every session in the window whose check is due and whose cart has no order, the longest-due
 * first (never-checked sessions count as due `afterMs` after creation), so a backlog is worked off
 * in order and no session waits behind newer ones forever.
 */
async function dueSessions(
  query: Query,
  inbox: PaymentWebhooksModuleService,
  timing: ReconcileTiming,
  now: Date
): Promise<CandidateSession[]> {
  const candidates: CandidateSession[] = []
  for (let skip = 0; ; skip += SESSION_PAGE_SIZE) {
    const { data } = await query.graph({
      entity: "payment_session",
      fields: ["id", "provider_id", "created_at", "payment_collection_id"],
      filters: {
        status: [...RECONCILED_SESSION_STATUSES],
        provider_id: { $ne: SYSTEM_PROVIDER_ID },
        created_at: { $gt: new Date(now.getTime() - timing.windowMs), $lte: new Date(now.getTime() - timing.afterMs) },
      },
      pagination: { skip, take: SESSION_PAGE_SIZE, order: { created_at: "ASC", id: "ASC" } },
    })
    const checks = await inbox.sessionChecksOf(data.map((session) => String(session.id)))
    for (const session of data) {
      const check = checks.get(session.id)
      const createdAt = new Date(session.created_at)
      if (isSessionCheckDue(createdAt, check, now, timing)) {
        candidates.push({
          id: session.id,
          provider_id: session.provider_id,
          created_at: createdAt,
          payment_collection_id: session.payment_collection_id,
          check,
          due_at: sessionDueAt(createdAt, check, timing),
        })
      }
    }
    if (data.length < SESSION_PAGE_SIZE) {
      break
    }
  }
  candidates.sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || a.id.localeCompare(b.id))
  return withoutOrders(query, candidates)
}

/** The candidates whose payment collection belongs to a cart (`cart_payment_collection`) that has no order (`order_cart`). */
async function withoutOrders(query: Query, candidates: CandidateSession[]): Promise<CandidateSession[]> {
  const kept: CandidateSession[] = []
  for (let start = 0; start < candidates.length; start += LINK_CHUNK_SIZE) {
    const chunk = candidates.slice(start, start + LINK_CHUNK_SIZE)
    const { data: cartLinks } = await query.graph({
      entity: "cart_payment_collection",
      fields: ["cart_id", "payment_collection_id"],
      filters: { payment_collection_id: [...new Set(chunk.map((session) => session.payment_collection_id))] },
    })
    const cartOf = new Map(cartLinks.map((link) => [String(link.payment_collection_id), String(link.cart_id)]))
    const cartIds = [...new Set(cartOf.values())]
    const { data: orderLinks } = cartIds.length
      ? await query.graph({ entity: "order_cart", fields: ["cart_id"], filters: { cart_id: cartIds } })
      : { data: [] }
    const ordered = new Set(orderLinks.map((link) => String(link.cart_id)))
    for (const session of chunk) {
      const cartId = cartOf.get(session.payment_collection_id)
      if (cartId && !ordered.has(cartId)) {
        kept.push(session)
      }
    }
  }
  return kept
}

/** Reads amount, currency and provider data of the sessions about to be checked (fresh, just before asking). */
async function withSessionDetails(query: Query, sessions: CandidateSession[]): Promise<SessionToCheck[]> {
  if (!sessions.length) {
    return []
  }
  const { data } = await query.graph({
    entity: "payment_session",
    fields: ["id", "amount", "currency_code", "data"],
    filters: { id: sessions.map((session) => session.id) },
  })
  const byId = new Map(data.map((session) => [String(session.id), session]))
  return sessions.flatMap((session) => {
    const details = byId.get(session.id)
    return details
      ? [{ ...session, amount: Number(details.amount), currency_code: details.currency_code, data: details.data ?? {} }]
      : []
  })
}

/**
 * Asks the session's provider for the payment's real state and acts on it. Never throws: a failure
 * is logged and recorded as the check's `last_status`, and the next check is scheduled as usual.
 */
async function checkSession(
  container: MedusaContainer,
  inbox: PaymentWebhooksModuleService,
  logger: Logger,
  timing: ReconcileTiming,
  session: SessionToCheck
): Promise<"reconciled" | "already_fed" | "pending" | "errors"> {
  let providerStatus: string = CHECK_FAILED
  let result: "reconciled" | "already_fed" | "pending" | "errors" = "errors"
  try {
    providerStatus = String((await providerOf(container, session.provider_id).getPaymentStatus({ data: session.data })).status)
    result = MONEY_MOVED.has(providerStatus) ? await feed(container, inbox, logger, session, providerStatus) : "pending"
    if (result === "pending") {
      logger.debug(
        `payment-webhook-reconcile ${JSON.stringify({ status: "still_pending", session_id: session.id, provider_id: session.provider_id, provider_status: providerStatus })}`
      )
    }
  } catch (error) {
    result = "errors"
    logFailure(logger, session, providerStatus === CHECK_FAILED ? "check_failed" : "reconcile_failed", error)
  }
  try {
    await inbox.recordSessionCheck({
      session_id: session.id,
      provider_id: session.provider_id,
      last_status: providerStatus,
      next_check_at: nextCheckAt(new Date(), session.check?.checks ?? 0, timing),
    })
  } catch (error) {
    logFailure(logger, session, "record_check_failed", error)
    return "errors"
  }
  return result
}

/**
 * Money has moved at the provider: stores what the provider said as an event of the session
 * (`reconcile:<session>:<status>`, source `reconciler`) and processes it like a webhook. A
 * duplicate means an earlier run stored it already (its processing, or its retries, are the
 * recovery job's): nothing more is done.
 */
async function feed(
  container: MedusaContainer,
  inbox: PaymentWebhooksModuleService,
  logger: Logger,
  session: SessionToCheck,
  status: string
): Promise<"reconciled" | "already_fed"> {
  // The workflow captures up to the session amount; the provider's own capture is recorded when authorizing.
  const amount = status === "captured" ? null : session.amount
  const { event, created } = await inbox.recordEvent({
    provider_id: session.provider_id,
    event_key: `reconcile:${session.id}:${status}`,
    event_type: `reconciler.${status}`,
    action: status,
    session_id: session.id,
    amount,
    currency_code: session.currency_code,
    occurred_at: new Date(),
    payload: {
      action: status,
      data: { session_id: session.id, amount, currency_code: session.currency_code, provider_status: status, reconciled: true },
      event: null,
    },
    status: "received",
    source: "reconciler",
  })
  const outcome: ProcessOutcome | null = created ? await processPaymentWebhookEvent(container, event.id) : null
  logWebhookState(logger, {
    id: event.id,
    provider_id: session.provider_id,
    status: created ? "reconciled" : "already_reconciled",
    source: "reconciler",
    event_type: event.event_type,
    action: status,
    session_id: session.id,
    outcome: created ? `processing ${outcome}` : `stored earlier, row ${event.status}`,
  })
  return created ? "reconciled" : "already_fed"
}

function providerOf(container: MedusaContainer, providerId: string): ProviderWithStatus {
  const provider = paymentProviderOf(container, providerId) as Partial<ProviderWithStatus> | undefined
  if (typeof provider?.getPaymentStatus !== "function") {
    throw new Error(`payment provider ${providerId} has no getPaymentStatus`)
  }
  return provider as ProviderWithStatus
}

function logFailure(logger: Logger, session: SessionToCheck, status: string, error: unknown): void {
  logger.warn(
    `payment-webhook-reconcile ${JSON.stringify({ status, session_id: session.id, provider_id: session.provider_id, error: messageOf(error) })}`
  )
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500)
}
