import type { Context } from "@medusajs/framework/types"
import {
  generateEntityId,
  InjectManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import PaymentWebhookEvent from "./models/payment-webhook-event"
import type {
  PaymentWebhookEventDTO,
  PaymentWebhooksOptions,
  RecordWebhookEventInput,
  RecordWebhookEventResult,
  ResolvedPaymentWebhooksOptions,
  WebhookEventStatus,
} from "./types"
import { resolvePaymentWebhooksOptions } from "./utils/options"

type Knex = {
  raw: (sql: string, bindings?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>
}
type ManagerLike = { getKnex: () => Knex; getTransactionContext?: () => Knex | undefined }

const TABLE = "payment_webhook_event"

/**
 * The durable inbox. It owns the `payment_webhook_event` table; every state change of a row goes
 * through one atomic SQL statement here, so concurrent deliveries, subscribers and recovery jobs
 * (on any number of processes) can never both win the same row.
 */
class PaymentWebhooksModuleService extends MedusaService({ PaymentWebhookEvent }) {
  readonly options: ResolvedPaymentWebhooksOptions

  constructor(container: Record<string, unknown>, options: PaymentWebhooksOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options = resolvePaymentWebhooksOptions(options)
  }

  /**
   * Stores a verified delivery, or - when a row with the same `(provider_id, event_key)` exists -
   * counts one more delivery on it. One `INSERT ... ON CONFLICT` statement: no read-then-write race.
   */
  @InjectManager()
  async recordEvent(
    input: RecordWebhookEventInput,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<RecordWebhookEventResult> {
    const amount = input.amount === null ? null : String(input.amount)
    const { rows } = await knexOf(sharedContext).raw(
      `INSERT INTO ${TABLE} (id, provider_id, event_key, event_type, action, session_id, amount,
         raw_amount, currency_code, occurred_at, status, attempts, next_attempt_at, deliveries, payload,
         processed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?::numeric, ?::jsonb, ?, ?, ?, 0,
         CASE WHEN ? = 'received' THEN now() + (? * interval '1 millisecond') END, 1, ?::jsonb,
         CASE WHEN ? = 'ignored' THEN now() END)
       ON CONFLICT (provider_id, event_key) WHERE deleted_at IS NULL
       DO UPDATE SET deliveries = ${TABLE}.deliveries + 1, updated_at = now()
       RETURNING *, (xmax = 0) AS inserted`,
      [
        generateEntityId(undefined, "pwhevt"),
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
        input.status,
        this.options.processingLeaseMs,
        JSON.stringify(input.payload),
        input.status,
      ]
    )
    const { inserted, ...row } = rows[0]
    return { event: toDTO(row), created: inserted === true }
  }

  /**
   * Takes a row for processing: `received` rows at once, `failed` rows once their retry is due and
   * `processing` rows whose lease expired (the process that held them died). Returns null when the
   * row is not claimable - someone else has it, or it is finished.
   */
  @InjectManager()
  async claimEvent(
    id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO | null> {
    const { rows } = await knexOf(sharedContext).raw(
      `UPDATE ${TABLE}
          SET status = 'processing', attempts = attempts + 1,
              next_attempt_at = now() + (? * interval '1 millisecond'), updated_at = now()
        WHERE id = ? AND deleted_at IS NULL
          AND (status = 'received'
               OR (status IN ('failed', 'processing') AND next_attempt_at <= now()))
        RETURNING *`,
      [this.options.processingLeaseMs, id]
    )
    return rows[0] ? toDTO(rows[0]) : null
  }

  /** Marks a claimed row finished (`processed`, or `ignored` when there was nothing to do). */
  @InjectManager()
  async completeEvent(
    id: string,
    result: { status: Extract<WebhookEventStatus, "processed" | "ignored">; outcome?: string | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO> {
    return this.transition(
      id,
      `status = ?, outcome = ?, processed_at = now(), next_attempt_at = NULL`,
      [result.status, result.outcome ?? null],
      sharedContext
    )
  }

  /**
   * Records a failed attempt. With `retryAt` the row becomes `failed` and is due again then;
   * without it the row is `dead` (no attempts left, or an error that can never succeed).
   */
  @InjectManager()
  async failEvent(
    id: string,
    failure: { error: string; retryAt: Date | null; outcome?: string | null },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO> {
    return this.transition(
      id,
      `status = ?, last_error = ?, next_attempt_at = ?, outcome = COALESCE(?, outcome)`,
      [failure.retryAt ? "failed" : "dead", failure.error.slice(0, 2000), failure.retryAt, failure.outcome ?? null],
      sharedContext
    )
  }

  /**
   * Ids of rows that need (another) processing attempt now: due retries, and rows whose processing
   * lease expired or that were never processed (a crash between the answer and the subscriber).
   */
  @InjectManager()
  async listDueEventIds(
    limit: number = this.options.recoveryBatchSize,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<string[]> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT id FROM ${TABLE}
        WHERE deleted_at IS NULL AND status IN ('received', 'failed', 'processing')
          AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ?`,
      [limit]
    )
    return rows.map((row) => String(row.id))
  }

  /** Reads one row; throws NOT_FOUND when it does not exist. */
  @InjectManager()
  async retrieveEvent(
    id: string,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<PaymentWebhookEventDTO> {
    const { rows } = await knexOf(sharedContext).raw(
      `SELECT * FROM ${TABLE} WHERE id = ? AND deleted_at IS NULL`,
      [id]
    )
    if (!rows[0]) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment webhook event ${id} was not found`)
    }
    return toDTO(rows[0])
  }

  private async transition(
    id: string,
    assignments: string,
    bindings: unknown[],
    sharedContext: Context
  ): Promise<PaymentWebhookEventDTO> {
    const { rows } = await knexOf(sharedContext).raw(
      `UPDATE ${TABLE} SET ${assignments}, updated_at = now()
        WHERE id = ? AND deleted_at IS NULL RETURNING *`,
      [...bindings, id]
    )
    if (!rows[0]) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment webhook event ${id} was not found`)
    }
    return toDTO(rows[0])
  }
}

function knexOf(sharedContext: Context): Knex {
  const manager = (sharedContext.transactionManager ?? sharedContext.manager) as ManagerLike
  return manager.getTransactionContext?.() ?? manager.getKnex()
}

function toDTO(row: Record<string, unknown>): PaymentWebhookEventDTO {
  const { raw_amount: _raw, deleted_at: _deleted, ...rest } = row
  return {
    ...(rest as unknown as PaymentWebhookEventDTO),
    amount: row.amount === null || row.amount === undefined ? null : Number(row.amount),
  }
}

export default PaymentWebhooksModuleService
