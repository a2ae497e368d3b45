import type { Context, IEventBusModuleService, Logger } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  InjectManager,
  InjectTransactionManager,
  MedusaContext,
  MedusaError,
  MedusaService,
  Modules,
  toMikroORMEntity,
} from "@medusajs/framework/utils"
import { raw } from "@medusajs/framework/mikro-orm/core"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/postgresql"
import { PaymentWebhookEvents } from "../../events"
import { keepJobSchedules } from "../../processing/job-schedules"
import PaymentSessionCheck from "./models/payment-session-check"
import PaymentWebhookAttempt from "./models/payment-webhook-attempt"
import PaymentWebhookEvent from "./models/payment-webhook-event"
import type {
  ClaimedWebhookEvent,
  ClaimWebhookEventInput,
  FinishWebhookEventInput,
  PaymentWebhookAttemptDTO,
  PaymentWebhookEventDTO,
  PaymentWebhooksOptions,
  RecordWebhookEventInput,
  RecordWebhookEventResult,
  ResolvedPaymentWebhooksOptions,
  WebhookEventFacts,
  WebhookEventStatus,
} from "./types"
import { emptyStatusSummary } from "./utils/filters"
import { entityId } from "./utils/entity-id"
import { GroupCommit } from "./utils/group-commit"
import { resolvePaymentWebhooksOptions } from "./utils/options"

type Knex = {
  raw: (sql: string, bindings?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>
}
type ManagerLike = { getKnex: () => Knex; getTransactionContext?: () => Knex | undefined }

const EVENTS = "payment_webhook_event"
/**
 * Statements on attempts always say `deleted_at IS NULL`: their only index on `event_id` (unique with
 * `attempt`) is partial on it, and without the condition Postgres reads every attempt ever recorded.
 */
const ATTEMPTS = "payment_webhook_attempt"
const CHECKS = "payment_session_check"

/** Every column of an inbox row but its payload: what `recordEvent` returns. */
const RETURNED_COLUMNS = `id, provider_id, event_key, event_type, action, session_id, cart_id, order_id, amount,
  currency_code, occurred_at, status, source, attempts, next_attempt_at, last_error, outcome, deliveries,
  processed_at, created_at, updated_at`

/** What makes a row unique: its `(provider_id, event_key)`. */
const rowKey = (row: { provider_id?: unknown; event_key?: unknown }) => `${row.provider_id}\u0000${row.event_key}`

/** The statuses of rows that still need (another) attempt. */
const UNFINISHED = "('received', 'processing', 'failed')"

/** What a session check records. */
export interface SessionCheckInput {
  session_id: string
  provider_id: string
  last_status: string | null
  next_check_at: Date
}

/**
 * The durable inbox. It owns its tables; every state change of a row goes through one atomic SQL
 * statement here, so concurrent deliveries, subscribers and recovery jobs (on any number of
 * processes) can never both win the same row.
 *
 * Claims hand out a fencing token (the attempt number). Renewing the lease and finishing the row
 * only change it while it is still `processing` under that token: a worker that lost its lease
 * (it was paused, another took over) changes nothing.
 */
class PaymentWebhooksModuleService extends MedusaService({
  PaymentWebhookEvent,
  PaymentWebhookAttempt,
  PaymentSessionCheck,
}) {
  readonly options: ResolvedPaymentWebhooksOptions
  private readonly container_: Record<string, unknown>

  constructor(container: Record<string, unknown>, options: PaymentWebhooksOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.container_ = container
    this.options = resolvePaymentWebhooksOptions(options)
  }

  private stopKeepingSchedules_?: () => void

  /**
   * Medusa's module lifecycle: when the application has started, ask (on the event bus, so a worker
   * handles it) for the rows a previous process left behind to be recovered now rather than at the
   * recovery job's next run, and keep the plugin's job schedules registered (`keepJobSchedules`: a
   * Redis that comes back empty forgets them). On shutdown, stop the latter.
   */
  __hooks = {
    onApplicationStart: async (): Promise<void> => {
      this.stopKeepingSchedules_ ??= keepJobSchedules(this.container_[ContainerRegistrationKeys.LOGGER] as Logger)
      const eventBus = this.container_[Modules.EVENT_BUS] as IEventBusModuleService | undefined
      await eventBus?.emit({
        name: PaymentWebhookEvents.RECOVERY_REQUESTED,
        data: { requested_at: new Date().toISOString() },
      })
    },
    onApplicationShutdown: async (): Promise<void> => {
      this.stopKeepingSchedules_?.()
    },
  }

  /**
   * Stores a verified delivery, or - when a row with the same `(provider_id, event_key)` exists -
   * counts one more delivery on it. One `INSERT ... ON CONFLICT` statement: no read-then-write race.
   * A `received` row is due for the recovery job one lease later, in case its trigger is lost.
   * Outside a caller's transaction, deliveries that arrive while another is being written are
   * written together, as one statement and one commit (`GroupCommit`); each caller still gets its
   * answer only once its own row is committed. The row comes back without its payload.
   *
   * Outside a transaction it writes through the module's connection itself: every delivery calls
   * this, and an entity manager of its own (`@InjectManager`) would be forked for each and never used.
   */
  async recordEvent(
    input: RecordWebhookEventInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<RecordWebhookEventResult> {
    if (sharedContext.transactionManager) {
      const [result] = await this.insertEvents(knexOf(sharedContext), [input])
      return result
    }
    return this.groupCommit_.submit(input)
  }

  private readonly groupCommit_ = new GroupCommit<RecordWebhookEventInput, RecordWebhookEventResult>(
    (inputs) => this.insertEvents((this.container_.manager as ManagerLike).getKnex(), inputs),
    rowKey
  )

  /**
   * One `INSERT ... ON CONFLICT` for rows with distinct `(provider_id, event_key)`; results in input
   * order. Rows go in key order, so two processes writing overlapping batches take the key locks in
   * the same order and cannot deadlock.
   */
  private async insertEvents(knex: Knex, inputs: RecordWebhookEventInput[]): Promise<RecordWebhookEventResult[]> {
    const row = `(?, ?, ?, ?, ?, ?, ?::numeric, ?::jsonb, ?, ?::timestamptz, ?, ?, 0,
         CASE WHEN ? = 'received' THEN now() + (? * interval '1 millisecond') END, 1, ?::jsonb,
         CASE WHEN ? = 'ignored' THEN now() END)`
    const { rows } = await knex.raw(
      `INSERT INTO ${EVENTS} (id, provider_id, event_key, event_type, action, session_id, amount,
         raw_amount, currency_code, occurred_at, status, source, attempts, next_attempt_at, deliveries,
         payload, processed_at)
       VALUES ${inputs.map(() => row).join(",\n")}
       ON CONFLICT (provider_id, event_key) WHERE deleted_at IS NULL
       DO UPDATE SET deliveries = ${EVENTS}.deliveries + 1, updated_at = now()
       RETURNING ${RETURNED_COLUMNS}, (xmax = 0) AS inserted`,
      [...inputs].sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : 1)).flatMap((input) => {
        const amount = input.amount === null ? null : String(input.amount)
        return [
          entityId("pwhevt"),
          input.provider_id,
          input.event_key,
          input.event_type,
          input.action,
          input.session_id,
          amount,
          amount === null ? null : JSON.stringify({ value: amount, precision: 20 }),
          input.currency_code,
          input.occurred_at,
          input.status,
          input.source ?? "webhook",
          input.status,
          this.options.processingLeaseMs,
          JSON.stringify(input.payload),
          input.status,
        ]
      })
    )
    const byKey = new Map(rows.map((stored) => [rowKey(stored), stored]))
    return inputs.map((input) => {
      const { inserted, ...stored } = byKey.get(rowKey(input))!
      return { event: toEventDTO(stored), created: inserted === true }
    })
  }

  /**
   * Stores the events of one batched delivery (a provider's `getWebhookEvents`), each as its own row
   * exactly as {@link recordEvent} would, in ONE transaction: all of them or none. An item whose key is
   * already stored - by an earlier delivery or earlier in the same batch - counts one more delivery.
   * Results come back in the order of `inputs`.
   */
  @InjectTransactionManager()
  async recordEvents(
    inputs: RecordWebhookEventInput[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<RecordWebhookEventResult[]> {
    const results: RecordWebhookEventResult[] = []
    for (const input of inputs) {
      results.push(await this.recordEvent(input, sharedContext))
    }
    return results
  }

  /**
   * Takes a row for processing and opens its attempt record: `received` rows at once, `failed` rows
   * once their retry is due and `processing` rows whose lease ran out (the worker died; its open
   * attempt is closed as `abandoned`). With `force`, a `failed` or `dead` row is taken whatever its
   * schedule says (a replay); with `force` and `reopenFinished` as well, a `processed` or `ignored`
   * row (a forced replay: the workflow plans again from live state, so nothing is done twice).
   * A row another worker holds (`processing` under a live lease) is never taken. The attempt
   * records its trigger (`automatic`, `replay`, `forced_replay`) and who asked (`requestedBy`).
   * Returns null when the row is not claimable: someone else holds it, or it is finished.
   */
  @InjectManager()
  async claimEvent(
    id: string,
    claim: ClaimWebhookEventInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<ClaimedWebhookEvent | null> {
    const force = claim.force === true
    const reopenFinished = force && claim.reopenFinished === true
    // `previous` reads the row's status before the update (locked, so a concurrent claim waits and
    // then sees this one's result): what the attempt's trigger is recorded from.
    const { rows } = await knexOf(sharedContext).raw(
      `WITH previous AS (
         SELECT id, status FROM ${EVENTS} WHERE id = ? AND deleted_at IS NULL FOR UPDATE
       ), claimed AS (
         UPDATE ${EVENTS} AS event
            SET status = 'processing', attempts = event.attempts + 1,
                next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now()
           FROM previous
          WHERE event.id = previous.id
            AND (event.status = 'received'
                 OR (event.status IN ('failed', 'processing') AND event.next_attempt_at <= now())
                 OR (? AND event.status IN ('failed', 'dead'))
                 OR (? AND event.status IN ('processed', 'ignored')))
          RETURNING event.*, previous.status AS previous_status
       ), abandoned AS (
         UPDATE ${ATTEMPTS} SET ended_at = now(), result = 'abandoned', updated_at = now()
          WHERE event_id IN (SELECT id FROM claimed) AND deleted_at IS NULL AND ended_at IS NULL
       ), opened AS (
         INSERT INTO ${ATTEMPTS} (id, event_id, attempt, worker, started_at, result, "trigger", requested_by)
         SELECT ?, id, attempts, ?, now(), 'running',
                CASE WHEN previous_status IN ('processed', 'ignored') THEN 'forced_replay'
                     WHEN ? THEN 'replay' ELSE 'automatic' END,
                ?
           FROM claimed
       )
       SELECT * FROM claimed`,
      [
        id,
        this.options.processingLeaseMs,
        force,
        reopenFinished,
        entityId("pwhatt"),
        claim.worker,
        force,
        claim.requestedBy ?? null,
      ]
    )
    if (!rows[0]) {
      return null
    }
    const { previous_status: previousStatus, ...row } = rows[0]
    return { event: toEventDTO(row), token: Number(row.attempts), previousStatus: previousStatus as WebhookEventStatus }
  }

  /**
   * Extends the lease of the worker holding `token` by one `processingLeaseMs`. Returns false when
   * the row is no longer `processing` under that token (the lease was lost).
   */
  @InjectManager()
  async renewLease(
    id: string,
    token: number,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<boolean> {
    const { rows } = await knexOf(sharedContext).raw(
      `UPDATE ${EVENTS} SET next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now()
        WHERE id = ? AND deleted_at IS NULL AND status = 'processing' AND attempts = ?
        RETURNING id`,
      [this.options.processingLeaseMs, id, token]
    )
    return rows.length > 0
  }

  /**
   * Replaces what the provider's acknowledgement-time mapping said about the event by what
   * processing found out (e.g. the session of a refund, looked up at the provider). Fenced like
   * every write of a worker; returns the row, or null when `token` no longer holds it.
   */
  @InjectManager()
  async storeResolvedFacts(
    id: string,
    token: number,
    facts: WebhookEventFacts & { payload: Record<string, unknown> },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO | null> {
    const amount = facts.amount === null ? null : String(facts.amount)
    const { rows } = await knexOf(sharedContext).raw(
      `UPDATE ${EVENTS}
          SET event_type = ?, action = ?, session_id = ?, amount = ?::numeric, raw_amount = ?::jsonb,
              currency_code = ?, occurred_at = ?, payload = ?::jsonb, updated_at = now()
        WHERE id = ? AND deleted_at IS NULL AND status = 'processing' AND attempts = ?
        RETURNING *`,
      [
        facts.event_type,
        facts.action,
        facts.session_id,
        amount,
        amount === null ? null : JSON.stringify({ value: amount, precision: 20 }),
        facts.currency_code,
        facts.occurred_at,
        JSON.stringify(facts.payload),
        id,
        token,
      ]
    )
    return rows[0] ? toEventDTO(rows[0]) : null
  }

  /**
   * Records the cart (and its order, if it has one) that processing found for the row's session:
   * shown to operators, and where the money goes back to when the cart can never become an order.
   * Fenced like every write of a worker; returns false when `token` no longer holds the row.
   */
  @InjectManager()
  async storePurchase(
    id: string,
    token: number,
    purchase: { cart_id: string | null; order_id: string | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<boolean> {
    const { rows } = await knexOf(sharedContext).raw(
      `UPDATE ${EVENTS} SET cart_id = COALESCE(?, cart_id), order_id = COALESCE(?, order_id), updated_at = now()
        WHERE id = ? AND deleted_at IS NULL AND status = 'processing' AND attempts = ?
        RETURNING id`,
      [purchase.cart_id, purchase.order_id, id, token]
    )
    return rows.length > 0
  }

  /**
   * The one write that ends an attempt: the row becomes `processed`/`ignored`, `failed` (due again
   * at `retryAt`) or `dead`, and the attempt record is closed. Only while the row is `processing`
   * under `token`; otherwise the row is left alone, the attempt is recorded as `lease_lost`, and
   * null is returned.
   */
  @InjectManager()
  async finishEvent(
    id: string,
    token: number,
    finish: FinishWebhookEventInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO | null> {
    const done = finish.status === "processed" || finish.status === "ignored"
    const error = "error" in finish ? finish.error.slice(0, 2000) : null
    const retryAt = finish.status === "failed" ? finish.retryAt : null
    const payload = done && finish.payload !== undefined ? JSON.stringify(finish.payload) : null
    const orderId = done ? finish.order_id ?? null : null
    const { rows } = await knexOf(sharedContext).raw(
      `WITH finished AS (
         UPDATE ${EVENTS}
            SET status = ?, outcome = COALESCE(?, outcome), last_error = CASE WHEN ? THEN last_error ELSE ? END,
                next_attempt_at = ?, processed_at = CASE WHEN ? THEN now() ELSE processed_at END,
                payload = COALESCE(?::jsonb, payload), order_id = COALESCE(?, order_id), updated_at = now()
          WHERE id = ? AND deleted_at IS NULL AND status = 'processing' AND attempts = ?
          RETURNING *
       ), closed AS (
         UPDATE ${ATTEMPTS}
            SET ended_at = now(), updated_at = now(), error = ?, outcome = ?,
                result = CASE WHEN EXISTS (SELECT 1 FROM finished) THEN ? ELSE 'lease_lost' END
          WHERE event_id = ? AND attempt = ? AND deleted_at IS NULL AND (ended_at IS NULL OR result = 'abandoned')
       )
       SELECT * FROM finished`,
      [
        finish.status,
        finish.outcome ?? null,
        done,
        error,
        retryAt,
        done,
        payload,
        orderId,
        id,
        token,
        error,
        finish.outcome ?? null,
        finish.status,
        id,
        token,
      ]
    )
    return rows[0] ? toEventDTO(rows[0]) : null
  }

  /**
   * Ids of rows that need (another) attempt now: due retries, rows whose lease ran out, `received`
   * rows whose trigger was lost (due one lease after they were stored) and, with `receivedBefore`,
   * every `received` row stored before that moment (at boot, nothing older can still be in flight
   * in this process).
   */
  @InjectManager()
  async listDueEventIds(
    query: { limit?: number; receivedBefore?: Date } = {},
    @MedusaContext() sharedContext: Context = {}
  ): Promise<string[]> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT id FROM ${EVENTS}
        WHERE deleted_at IS NULL AND status IN ${UNFINISHED}
          AND (next_attempt_at <= now() OR (status = 'received' AND created_at < ?))
        ORDER BY next_attempt_at
        LIMIT ?`,
      [query.receivedBefore ?? new Date(0), query.limit ?? this.options.recoveryBatchSize]
    )
    return rows.map((row) => String(row.id))
  }

  /** When the earliest lease of a `processing` row ends (null when no row is processing). */
  @InjectManager()
  async nextLeaseExpiry(@MedusaContext() sharedContext: Context = {}): Promise<Date | null> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT min(next_attempt_at) AS expiry FROM ${EVENTS} WHERE deleted_at IS NULL AND status = 'processing'`
    )
    return rows[0]?.expiry ? new Date(rows[0].expiry as string) : null
  }

  /** Reads one row; throws NOT_FOUND when it does not exist. */
  @InjectManager()
  async retrieveEvent(
    id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT * FROM ${EVENTS} WHERE id = ? AND deleted_at IS NULL`,
      [id]
    )
    if (!rows[0]) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment webhook event ${id} was not found`)
    }
    return toEventDTO(rows[0])
  }

  /**
   * How many rows have each status among the rows matching `filters` (the inbox module's filter
   * object, as `listPaymentWebhookEvents` takes it; see `toEventFilters`): one grouped query.
   */
  @InjectManager()
  async summarizeEventStatuses(
    filters: Record<string, unknown> = {},
    @MedusaContext() sharedContext: Context = {}
  ): Promise<Record<WebhookEventStatus, number>> {
    const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager
    const rows = (await manager
      .createQueryBuilder(toMikroORMEntity(PaymentWebhookEvent), "event")
      .select(["event.status", raw("count(*)::int as count")])
      .where({ ...filters, deleted_at: null })
      .groupBy("event.status")
      .execute("all", false)) as { status: WebhookEventStatus; count: number }[]
    const summary = emptyStatusSummary()
    for (const row of rows) {
      summary[row.status] = Number(row.count)
    }
    return summary
  }

  /**
   * The rows of these sessions whose money was given back (outcome `compensated: ...`): the
   * purchases a replay must leave alone.
   */
  @InjectManager()
  async compensatedEventsOfSessions(
    sessionIds: string[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<Pick<PaymentWebhookEventDTO, "id" | "session_id" | "outcome">[]> {
    if (!sessionIds.length) {
      return []
    }
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT id, session_id, outcome FROM ${EVENTS}
        WHERE session_id = ANY(?) AND outcome LIKE 'compensated:%' AND deleted_at IS NULL
        ORDER BY created_at`,
      [sessionIds]
    )
    return rows as unknown as Pick<PaymentWebhookEventDTO, "id" | "session_id" | "outcome">[]
  }

  /** The attempts of a row, oldest first. */
  @InjectManager()
  async listEventAttempts(
    eventId: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookAttemptDTO[]> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT id, event_id, attempt, worker, started_at, ended_at, result, error, outcome, "trigger", requested_by
         FROM ${ATTEMPTS} WHERE event_id = ? AND deleted_at IS NULL ORDER BY attempt`,
      [eventId]
    )
    return rows as unknown as PaymentWebhookAttemptDTO[]
  }

  /**
   * Deletes up to `limit` `processed` and `ignored` rows finished before `cutoff`, with their
   * attempts, and returns how many rows went. `failed` and `dead` rows are never deleted here.
   */
  @InjectManager()
  async pruneFinishedEvents(
    cutoff: Date,
    limit: number,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<number> {
    const { rows } = await knexOf(sharedContext).raw(
      `WITH expired AS (
         SELECT id FROM ${EVENTS}
          WHERE deleted_at IS NULL AND status IN ('processed', 'ignored') AND processed_at < ?
          ORDER BY processed_at LIMIT ?
       ), attempts AS (
         DELETE FROM ${ATTEMPTS} WHERE event_id IN (SELECT id FROM expired) AND deleted_at IS NULL
       ), deleted AS (
         DELETE FROM ${EVENTS} WHERE id IN (SELECT id FROM expired) RETURNING id
       )
       SELECT count(*)::int AS count FROM deleted`,
      [cutoff, limit]
    )
    return Number(rows[0]?.count ?? 0)
  }

  /** The reconciler's checks of these sessions, by session id. */
  @InjectManager()
  async sessionChecksOf(
    sessionIds: string[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<Map<string, { checks: number; next_check_at: Date | null }>> {
    if (!sessionIds.length) {
      return new Map()
    }
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT session_id, checks, next_check_at FROM ${CHECKS}
        WHERE session_id = ANY(?) AND deleted_at IS NULL`,
      [sessionIds]
    )
    return new Map(
      rows.map((row) => [
        String(row.session_id),
        { checks: Number(row.checks), next_check_at: row.next_check_at ? new Date(row.next_check_at as string) : null },
      ])
    )
  }

  /** Records that the reconciler asked the provider about a session, and when to ask again. */
  @InjectManager()
  async recordSessionCheck(
    check: SessionCheckInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    await knexOf(sharedContext).raw(
      `INSERT INTO ${CHECKS} (id, session_id, provider_id, checks, last_status, checked_at, next_check_at)
       VALUES (?, ?, ?, 1, ?, now(), ?)
       ON CONFLICT (session_id) WHERE deleted_at IS NULL
       DO UPDATE SET checks = ${CHECKS}.checks + 1, last_status = EXCLUDED.last_status,
         checked_at = now(), next_check_at = EXCLUDED.next_check_at, updated_at = now()`,
      [entityId("pwhchk"), check.session_id, check.provider_id, check.last_status, check.next_check_at]
    )
  }
}

function knexOf(sharedContext: Context): Knex {
  const manager = (sharedContext.transactionManager ?? sharedContext.manager) as ManagerLike
  return manager.getTransactionContext?.() ?? manager.getKnex()
}

function toEventDTO(row: Record<string, unknown>): PaymentWebhookEventDTO {
  const { raw_amount: _raw, deleted_at: _deleted, ...rest } = row
  return {
    ...(rest as unknown as PaymentWebhookEventDTO),
    amount: row.amount === null || row.amount === undefined ? null : Number(row.amount),
  }
}

export default PaymentWebhooksModuleService
