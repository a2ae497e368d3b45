/**
 * The inbox's hot statements as the module sends them (`src/modules/payment-webhooks/service.ts`,
 * the reconciler's and the admin list's reads through Medusa's Query), with the parameters of a
 * typical call, and an old-rows filler for the growth benchmark (`bench/growth.ts`). A change to a
 * statement in the module belongs here too, so that docs/QUERIES.md shows the plan of what runs.
 */
import type { Client } from "pg"

/** One statement: `prepare` runs first in the same (rolled-back) transaction and feeds `params`. */
export interface HotQuery {
  name: string
  /** Who sends it, when, and what it must not do. */
  what: string
  sql: string
  prepare: (client: Client) => Promise<Record<string, unknown>>
  params: (context: Record<string, unknown>) => unknown[]
}

const EVENTS = "payment_webhook_event"
const LEASE_MS = 10_000
const RECOVERY_BATCH = 50
const RETENTION_BATCH = 1000
const DAY_MS = 24 * 3600 * 1000
let sequence = 0

const nothing = async () => ({})

/** `recordEvent`'s statement for one delivery (the group commit sends one tuple per delivery). */
const INSERT_EVENT = `INSERT INTO ${EVENTS} (id, provider_id, event_key, event_type, action, session_id, amount,
         raw_amount, currency_code, occurred_at, status, source, attempts, next_attempt_at, deliveries,
         payload, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::jsonb, $9, $10::timestamptz, $11, 'webhook', 0,
         CASE WHEN $11 = 'received' THEN now() + ($12 * interval '1 millisecond') END, 1, $13::jsonb,
         CASE WHEN $11 = 'ignored' THEN now() END)
       ON CONFLICT (provider_id, event_key) WHERE deleted_at IS NULL
       DO UPDATE SET deliveries = ${EVENTS}.deliveries + 1, updated_at = now()
       RETURNING id, provider_id, event_key, event_type, action, session_id, cart_id, order_id, amount,
         currency_code, occurred_at, status, source, attempts, next_attempt_at, last_error, outcome, deliveries,
         processed_at, created_at, updated_at, (xmax = 0) AS inserted`

/** `claimEvent`'s statement for an automatic attempt: the row by primary key, its attempts by `event_id`. */
const CLAIM_EVENT = `WITH previous AS (
         SELECT id, status FROM ${EVENTS} WHERE id = $1 AND deleted_at IS NULL FOR UPDATE
       ), claimed AS (
         UPDATE ${EVENTS} AS event
            SET status = 'processing', attempts = event.attempts + 1,
                next_attempt_at = now() + ($2 * interval '1 millisecond'), updated_at = now()
           FROM previous
          WHERE event.id = previous.id
            AND (event.status = 'received'
                 OR (event.status IN ('failed', 'processing') AND event.next_attempt_at <= now())
                 OR (false AND event.status IN ('failed', 'dead'))
                 OR (false AND event.status IN ('processed', 'ignored')))
          RETURNING event.*, previous.status AS previous_status
       ), abandoned AS (
         UPDATE payment_webhook_attempt SET ended_at = now(), result = 'abandoned', updated_at = now()
          WHERE event_id IN (SELECT id FROM claimed) AND deleted_at IS NULL AND ended_at IS NULL
       ), opened AS (
         INSERT INTO payment_webhook_attempt (id, event_id, attempt, worker, started_at, result, "trigger", requested_by)
         SELECT $3, id, attempts, 'bench', now(), 'running', 'automatic', NULL FROM claimed
       )
       SELECT * FROM claimed`

/** `finishEvent`'s statement for a processed row. */
const FINISH_EVENT = `WITH finished AS (
         UPDATE ${EVENTS}
            SET status = $1, outcome = COALESCE($2, outcome), last_error = CASE WHEN $3 THEN last_error ELSE $4 END,
                next_attempt_at = $5, processed_at = CASE WHEN $3 THEN now() ELSE processed_at END,
                payload = COALESCE($6::jsonb, payload), order_id = COALESCE($7, order_id), updated_at = now()
          WHERE id = $8 AND deleted_at IS NULL AND status = 'processing' AND attempts = $9
          RETURNING *
       ), closed AS (
         UPDATE payment_webhook_attempt
            SET ended_at = now(), updated_at = now(), error = $4, outcome = $2,
                result = CASE WHEN EXISTS (SELECT 1 FROM finished) THEN $1 ELSE 'lease_lost' END
          WHERE event_id = $8 AND attempt = $9 AND deleted_at IS NULL AND (ended_at IS NULL OR result = 'abandoned')
       )
       SELECT * FROM finished`

/** `listDueEventIds`' statement. */
const LIST_DUE = `SELECT id FROM ${EVENTS}
        WHERE deleted_at IS NULL AND status IN ('received', 'processing', 'failed')
          AND (next_attempt_at <= now() OR (status = 'received' AND created_at < $1))
        ORDER BY next_attempt_at
        LIMIT $2`

/** `pruneFinishedEvents`' statement. */
const PRUNE_FINISHED = `WITH expired AS (
         SELECT id FROM ${EVENTS}
          WHERE deleted_at IS NULL AND status IN ('processed', 'ignored') AND processed_at < $1
          ORDER BY processed_at LIMIT $2
       ), attempts AS (
         DELETE FROM payment_webhook_attempt WHERE event_id IN (SELECT id FROM expired) AND deleted_at IS NULL
       ), deleted AS (
         DELETE FROM ${EVENTS} WHERE id IN (SELECT id FROM expired) RETURNING id
       )
       SELECT count(*)::int AS count FROM deleted`

/** A stored `received` row, claimed: what `finishEvent` ends. */
async function claimedRow(client: Client): Promise<Record<string, unknown>> {
  const id = `pwhevt_hot${++sequence}`
  await client.query(INSERT_EVENT, insertParams(id, `evt_hot_${process.pid}_${sequence}`, "received"))
  await client.query(CLAIM_EVENT, [id, LEASE_MS, `pwhatt_hot${++sequence}`])
  return { id }
}

function insertParams(id: string, eventKey: string, status: string): unknown[] {
  const payload = stripeEvent(eventKey, "payment_intent.amount_capturable_updated", "payses_hot", 2500, Math.floor(Date.now() / 1000))
  return [id, "pp_stripe_stripe", eventKey, "payment_intent.amount_capturable_updated", "authorized", "payses_hot", "25", JSON.stringify({ value: "25", precision: 20 }), "eur", new Date(), status, LEASE_MS, JSON.stringify({ action: "authorized", event: payload })]
}

/** The statements, in the order the docs list them. */
export const HOT_QUERIES: HotQuery[] = [
  {
    name: "insert (new event)",
    what: "The acknowledgement (`recordEvent`): stores a verified delivery; the unique index on `(provider_id, event_key)` is the dedupe.",
    sql: INSERT_EVENT,
    prepare: nothing,
    params: () => insertParams(`pwhevt_hot${++sequence}`, `evt_hot_${process.pid}_${sequence}`, "received"),
  },
  {
    name: "insert (duplicate delivery)",
    what: "The acknowledgement of a redelivery: the same statement finds the stored row through the unique index and counts one more delivery.",
    sql: INSERT_EVENT,
    prepare: async (client) => (await client.query(`SELECT event_key FROM ${EVENTS} WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 1`)).rows[0] ?? {},
    params: (context) => insertParams(`pwhevt_hot${++sequence}`, String(context.event_key ?? "evt_missing"), "received"),
  },
  {
    name: "claim",
    what: "Every processing attempt (`claimEvent`): locks the row by primary key, takes it, closes an abandoned attempt and opens the new one.",
    sql: CLAIM_EVENT,
    prepare: async (client) => {
      const id = `pwhevt_hot${++sequence}`
      await client.query(INSERT_EVENT, insertParams(id, `evt_hot_${process.pid}_${sequence}`, "received"))
      return { id }
    },
    params: (context) => [context.id, LEASE_MS, `pwhatt_hot${++sequence}`],
  },
  {
    name: "finish",
    what: "The end of every attempt (`finishEvent`): the row becomes `processed` (fenced by its attempt number) and its attempt record is closed.",
    sql: FINISH_EVENT,
    prepare: claimedRow,
    params: (context) => ["processed", "cart completed", true, null, null, null, "order_hot", context.id, 1],
  },
  {
    name: "recovery scan",
    what: "The recovery job, every 5 s on one process (`listDueEventIds`): rows due for another attempt. Reads the partial index of unfinished rows only.",
    sql: LIST_DUE,
    prepare: nothing,
    params: () => [new Date(0), RECOVERY_BATCH],
  },
  {
    name: "recovery scan at boot",
    what: "The same at boot (`receivedBefore`: every `received` row stored before the process started).",
    sql: LIST_DUE,
    prepare: nothing,
    params: () => [new Date(), RECOVERY_BATCH],
  },
  {
    name: "next lease expiry",
    what: "The recovery subscriber (`nextLeaseExpiry`): when the earliest lease of a `processing` row ends.",
    sql: `SELECT min(next_attempt_at) AS expiry FROM ${EVENTS} WHERE deleted_at IS NULL AND status = 'processing'`,
    prepare: nothing,
    params: () => [],
  },
  {
    name: "retention prune, nothing due",
    what: "The retention job, hourly (`pruneFinishedEvents`), when no finished row is older than `retentionDays` (30): reads the partial index of finished rows by `processed_at`.",
    sql: PRUNE_FINISHED,
    prepare: nothing,
    params: () => [new Date(Date.now() - 30 * DAY_MS), RETENTION_BATCH],
  },
  {
    name: "retention prune, one batch due",
    what: "The same when rows are due (here: every row finished more than 28 days ago): deletes one batch of 1000 rows with their attempts; the cost is per batch, not per stored row.",
    sql: PRUNE_FINISHED,
    prepare: nothing,
    params: () => [new Date(Date.now() - 28 * DAY_MS), RETENTION_BATCH],
  },
  {
    name: "reconciler scan",
    what: "The reconciler, every minute (`dueSessions`, through Query): payment sessions still open in its window. It reads Medusa's `payment_session`, not the inbox, so inbox history does not reach it.",
    sql: `SELECT id, provider_id, created_at, payment_collection_id FROM payment_session
        WHERE deleted_at IS NULL AND status IN ('pending', 'requires_more', 'pending_authorization', 'authorized')
          AND provider_id <> 'pp_system_default' AND created_at > $1 AND created_at <= $2
        ORDER BY created_at ASC, id ASC LIMIT 500`,
    prepare: nothing,
    params: () => [new Date(Date.now() - DAY_MS), new Date(Date.now() - 15 * 60 * 1000)],
  },
  {
    name: "reconciler's session checks",
    what: "The reconciler's next read (`sessionChecksOf`): its own check records of those sessions, by the unique index on `session_id`.",
    sql: `SELECT session_id, checks, next_check_at FROM payment_session_check WHERE session_id = ANY($1) AND deleted_at IS NULL`,
    prepare: nothing,
    params: () => [Array.from({ length: 500 }, (_, index) => `payses_old${String(index).padStart(9, "0")}`)],
  },
  {
    name: "admin list, default page",
    what: "`GET /admin/payment-webhooks` without filters (through Query): the 20 newest rows, the id breaking ties.",
    sql: `SELECT id, provider_id, event_key, event_type, action, session_id, cart_id, order_id, amount, currency_code,
          occurred_at, status, source, attempts, next_attempt_at, last_error, outcome, deliveries, processed_at,
          created_at, updated_at
        FROM ${EVENTS} WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 20`,
    prepare: nothing,
    params: () => [],
  },
  {
    name: "admin list, count",
    what: "The same request's total (`count`): every row the filters match, so it grows with the rows kept.",
    sql: `SELECT count(*)::int AS count FROM ${EVENTS} WHERE deleted_at IS NULL`,
    prepare: nothing,
    params: () => [],
  },
  {
    name: "admin list, status summary",
    what: "The same request's per-status `summary` (`summarizeEventStatuses`): one grouped count over the rows the filters match.",
    sql: `SELECT status, count(*)::int AS count FROM ${EVENTS} WHERE deleted_at IS NULL GROUP BY status`,
    prepare: nothing,
    params: () => [],
  },
  {
    name: "admin list, dead rows",
    what: "`GET /admin/payment-webhooks?status=dead`: what an operator looks at first.",
    sql: `SELECT id, status, created_at FROM ${EVENTS} WHERE status IN ('dead') AND deleted_at IS NULL
        ORDER BY created_at DESC, id DESC LIMIT 20`,
    prepare: nothing,
    params: () => [],
  },
]

/** A Stripe PaymentIntent event with the fields Stripe sends (about 2.5 kB as JSON). */
export function stripeEvent(eventId: string, type: string, sessionId: string, amount: number, created: number): Record<string, unknown> {
  const id = eventId.replace(/^evt_/, "")
  return {
    id: eventId,
    object: "event",
    api_version: "2024-06-20",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${id.slice(0, 14)}`, idempotency_key: `${id.slice(0, 8)}-6a4e-4c1b-9f2d-${id.slice(-12)}` },
    type,
    data: {
      object: {
        id: `pi_${id}`,
        object: "payment_intent",
        amount,
        amount_capturable: amount,
        amount_details: { tip: {} },
        amount_received: 0,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: { allow_redirects: "always", enabled: true },
        canceled_at: null,
        cancellation_reason: null,
        capture_method: "manual",
        client_secret: `pi_${id}_secret_${id.slice(0, 24)}`,
        confirmation_method: "automatic",
        created,
        currency: "eur",
        customer: `cus_${id.slice(-14)}`,
        description: "Order from the Medusa store",
        invoice: null,
        last_payment_error: null,
        latest_charge: `ch_${id}`,
        livemode: false,
        metadata: { session_id: sessionId, resource_id: `paycol_${id.slice(-20)}` },
        next_action: null,
        on_behalf_of: null,
        payment_method: `pm_${id.slice(-24)}`,
        payment_method_configuration_details: { id: `pmc_${id.slice(0, 24)}`, parent: null },
        payment_method_options: {
          card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" },
          link: { persistent_token: null },
          bancontact: { preferred_language: "en" },
          ideal: {},
          klarna: { preferred_locale: null },
          eps: {},
          p24: {},
          sepa_debit: { mandate_options: {} },
        },
        payment_method_types: ["card", "link", "bancontact", "ideal", "klarna"],
        presentment_details: { presentment_amount: amount, presentment_currency: "eur" },
        processing: null,
        receipt_email: "shopper@example.com",
        review: null,
        setup_future_usage: null,
        shipping: {
          address: { city: "Brussels", country: "BE", line1: "1 Rue de la Loi", line2: null, postal_code: "1000", state: null },
          carrier: null,
          name: "Ada Lovelace",
          phone: "+32 2 000 00 00",
          tracking_number: null,
        },
        source: null,
        statement_descriptor: null,
        statement_descriptor_suffix: "MEDUSA",
        status: "requires_capture",
        transfer_data: null,
        transfer_group: `group_${id.slice(0, 20)}`,
      },
      previous_attributes: { amount_capturable: 0, status: "requires_confirmation" },
    },
  }
}

const OLD_ROWS_PER_STATEMENT = 50_000

/**
 * Inserts old rows number `from` to `to` - 1 directly with SQL (`generate_series`), as a month of
 * production leaves them: created over the last 29 days (nothing is due for the 30-day retention
 * yet), 88.4 % processed, 11 % ignored, 0.5 % dead, 0.1 % failed (their retry due in 1 to 3 hours);
 * 5 providers, 8 event types, a Stripe-sized payload (`stripeEvent`) with per-row ids, and the
 * attempt records processing left (1 per processed row, 2 per failed row, 8 per dead row). Then
 * `VACUUM ANALYZE`, as autovacuum would do after such a load.
 */
export async function fillInbox(client: Client, from: number, to: number): Promise<void> {
  const template = JSON.stringify({
    action: "__ACTION__",
    data: { session_id: "__SESSION__", amount: 25, currency_code: "eur", event_id: "evt___ID__", event_type: "__TYPE__" },
    event: stripeEvent("evt___ID__", "__TYPE__", "__SESSION__", 2500, 1764633600),
  })
  const types = [
    ["payment_intent.created", "not_supported", 5],
    ["payment_intent.amount_capturable_updated", "authorized", 4],
    ["payment_intent.succeeded", "captured", 5],
    ["payment_intent.processing", "pending", 2],
    ["payment_intent.requires_action", "requires_more", 1],
    ["payment_intent.payment_failed", "failed", 1],
    ["charge.refunded", "refunded", 1],
    ["refund.created", "refunded", 1],
  ] as const
  const typeList = types.flatMap(([type, , weight]) => Array<string>(weight).fill(type))
  const actionList = types.flatMap(([, action, weight]) => Array<string>(weight).fill(action))
  for (let start = from; start < to; start += OLD_ROWS_PER_STATEMENT) {
    const end = Math.min(to, start + OLD_ROWS_PER_STATEMENT) - 1
    await client.query(
      `INSERT INTO ${EVENTS} (id, provider_id, event_key, event_type, action, session_id, cart_id, order_id, amount,
         raw_amount, currency_code, occurred_at, status, source, attempts, next_attempt_at, last_error, outcome,
         deliveries, payload, processed_at, created_at, updated_at)
       SELECT 'pwhevt_old' || lpad(n::text, 10, '0'),
              (ARRAY['pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe',
                     'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe',
                     'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe', 'pp_stripe_stripe',
                     'pp_stripe-bancontact_stripe', 'pp_stripe-bancontact_stripe', 'pp_stripe-ideal_stripe',
                     'pp_stripe-klarna_stripe', 'pp_stripe_medusa'])[1 + n % 20],
              'evt_' || key, type, action,
              CASE WHEN status <> 'ignored' THEN session END,
              CASE WHEN status = 'processed' THEN 'cart_old' || (n / 3) END,
              CASE WHEN status = 'processed' AND action <> 'not_supported' THEN 'order_old' || (n / 3) END,
              25, '{"value": "25", "precision": 20}'::jsonb, 'eur', created_at, status, 'webhook',
              CASE status WHEN 'dead' THEN 8 WHEN 'failed' THEN 2 ELSE 1 END,
              CASE WHEN status = 'failed' THEN now() + interval '1 hour' + (n % 120) * interval '1 minute' END,
              CASE WHEN status IN ('failed', 'dead') THEN 'Stripe API error: 500 api_error (request req_' || substr(key, 1, 14) || ')' END,
              CASE status WHEN 'processed' THEN 'cart completed' WHEN 'ignored' THEN 'not about a Medusa payment session' END,
              1 + (n % 10 = 0)::int,
              replace(replace(replace(replace($1::text, '__ID__', key), '__SESSION__', session), '__TYPE__', type), '__ACTION__', action)::jsonb,
              CASE WHEN status IN ('processed', 'ignored') THEN created_at + interval '800 milliseconds' END,
              created_at, created_at
         FROM (
           SELECT n, substr(md5(n::text), 1, 24) AS key,
                  'payses_old' || lpad((n / 3)::text, 9, '0') AS session,
                  ($2::text[])[1 + (n * 7) % ${typeList.length}] AS type,
                  ($3::text[])[1 + (n * 7) % ${typeList.length}] AS action,
                  CASE WHEN (n * 7919) % 1000 < 884 THEN 'processed'
                       WHEN (n * 7919) % 1000 < 994 THEN 'ignored'
                       WHEN (n * 7919) % 1000 < 999 THEN 'dead'
                       ELSE 'failed' END AS status,
                  now() - interval '29 days' * ((n * 0.6180339887) % 1) AS created_at
             FROM generate_series($4::bigint, $5::bigint) AS n
         ) AS old`,
      [template, typeList, actionList, start, end]
    )
    // Their attempt history: one per processed row, 2 per failed row, 8 per dead row.
    await client.query(
      `INSERT INTO payment_webhook_attempt (id, event_id, attempt, worker, started_at, ended_at, result, error, outcome,
         "trigger", created_at, updated_at)
       SELECT 'pwhatt_old' || substr(event.id, 11) || '_' || attempt, event.id, attempt, 'worker-old',
              event.created_at + attempt * interval '1 second', event.created_at + attempt * interval '1 second' + interval '700 milliseconds',
              CASE WHEN attempt < event.attempts THEN 'failed' ELSE event.status END,
              CASE WHEN event.status <> 'processed' THEN event.last_error END, event.outcome, 'automatic',
              event.created_at, event.created_at
         FROM ${EVENTS} AS event, generate_series(1, event.attempts) AS attempt
        WHERE event.id BETWEEN $1 AND $2 AND event.status <> 'ignored'`,
      [`pwhevt_old${String(start).padStart(10, "0")}`, `pwhevt_old${String(end).padStart(10, "0")}`]
    )
    process.stderr.write(`  ${end + 1} old rows\n`)
  }
  for (const table of [EVENTS, "payment_webhook_attempt"]) {
    await client.query(`VACUUM ANALYZE ${table}`)
    await client.query(`VACUUM ${table}`)
  }
}

/** The inbox table's size with its indexes and TOAST, and how many rows it holds. */
export async function inboxSize(client: Client): Promise<{ size: string; rows: number }> {
  const { rows } = await client.query(
    `SELECT pg_size_pretty(pg_total_relation_size('${EVENTS}')) AS size, (SELECT count(*)::int FROM ${EVENTS}) AS rows`
  )
  return rows[0] as { size: string; rows: number }
}
