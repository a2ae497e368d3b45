/**
 * Benchmark of the admin list, `GET /admin/payment-webhooks`, on a full inbox: BENCH_ROWS rows
 * (10,000 by default: a month of a mid-size shop at the default 30-day retention) with a realistic
 * mix of statuses, providers and event types and Stripe-sized payloads, then BENCH_REQUESTS
 * sequential requests per scenario (after 10 warm-up requests), as an admin user with a bearer
 * token. The app runs `medusa start` as a child process on an embedded Postgres; its recovery job
 * and reconciler are switched off so that nothing changes the rows while they are measured.
 * Run by hand: `npx tsx bench/admin-list.ts`. Results are appended to bench/RESULTS.md; the query
 * plans of the list's statements are printed (BENCH_EXPLAIN=false to skip).
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { childEnv, freshDatabase, ROOT, runMedusa, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"

const ROWS = Number(process.env.BENCH_ROWS || 10_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS || 100)
const WARM_UP = 10
const ADMIN = { email: "bench@medusa-test.com", password: "supersecret" }

/** A small deterministic PRNG (mulberry32), so every run fills the same inbox. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function weighted<T>(next: () => number, choices: [T, number][]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0)
  let pick = next() * total
  for (const [value, weight] of choices) {
    pick -= weight
    if (pick < 0) {
      return value
    }
  }
  return choices[choices.length - 1][0]
}

/** What an inbox looks like a month into production (retention keeps 30 days of finished rows). */
const STATUSES: [string, number][] = [
  ["processed", 86],
  ["ignored", 9],
  ["received", 2],
  ["failed", 1.5],
  ["processing", 1],
  ["dead", 0.5],
]
const PROVIDERS: [string, number][] = [
  ["pp_stripe_stripe", 75],
  ["pp_stripe-bancontact_stripe", 8],
  ["pp_stripe-ideal_stripe", 7],
  ["pp_stripe-klarna_stripe", 5],
  ["pp_stripe_medusa", 5],
]
const EVENT_TYPES: [[string, string], number][] = [
  [["payment_intent.created", "not_supported"], 25],
  [["payment_intent.amount_capturable_updated", "authorized"], 20],
  [["payment_intent.succeeded", "captured"], 25],
  [["payment_intent.processing", "pending"], 8],
  [["payment_intent.requires_action", "requires_more"], 3],
  [["payment_intent.payment_failed", "failed"], 5],
  [["payment_intent.canceled", "canceled"], 3],
  [["charge.refunded", "refunded"], 6],
  [["refund.created", "refunded"], 4],
  [["charge.dispute.created", "disputed"], 1],
]

/** A Stripe PaymentIntent event as Stripe sends it (about 2.5 kB). */
function stripePayload(eventId: string, type: string, action: string, sessionId: string, amount: number, created: number) {
  const intent = {
    id: `pi_${eventId.slice(4)}`,
    object: "payment_intent",
    amount,
    amount_capturable: action === "authorized" ? amount : 0,
    amount_received: action === "captured" ? amount : 0,
    capture_method: "manual",
    client_secret: `pi_${eventId.slice(4)}_secret_${"s".repeat(24)}`,
    confirmation_method: "automatic",
    created,
    currency: "eur",
    customer: `cus_${eventId.slice(-10)}`,
    description: "Order from the Medusa store",
    latest_charge: `ch_${eventId.slice(4)}`,
    livemode: false,
    metadata: { session_id: sessionId },
    payment_method: `pm_${eventId.slice(-12)}`,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    receipt_email: "shopper@example.com",
    shipping: {
      address: { city: "Brussels", country: "BE", line1: "1 Rue de la Loi", line2: null, postal_code: "1000", state: null },
      carrier: null,
      name: "Ada Lovelace",
      phone: null,
      tracking_number: null,
    },
    status: action === "captured" ? "succeeded" : action === "authorized" ? "requires_capture" : "requires_payment_method",
  }
  const event = { id: eventId, object: "event", api_version: "2024-06-20", created, data: { object: intent }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type }
  return { action, data: { session_id: sessionId, amount: amount / 100, event_id: eventId, event_type: type, currency_code: "eur" }, event }
}

/** The inbox table after the load: heap pages, all-visible pages and total size (with indexes and TOAST). */
let table: { relpages: number; relallvisible: number; size: string } | undefined

/** Fills the inbox with ROWS rows in batches of one INSERT each. */
async function fillInbox(databaseUrl: string): Promise<Record<string, number>> {
  const next = random(20261202)
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  const mix: Record<string, number> = {}
  const now = Date.now()
  try {
    const columns = [
      "id", "provider_id", "event_key", "event_type", "action", "session_id", "cart_id", "order_id", "amount", "raw_amount",
      "currency_code", "occurred_at", "status", "source", "attempts", "next_attempt_at", "last_error", "outcome",
      "deliveries", "payload", "processed_at", "created_at", "updated_at",
    ]
    const BATCH = 500
    for (let start = 0; start < ROWS; start += BATCH) {
      const values: unknown[] = []
      const tuples: string[] = []
      for (let index = start; index < Math.min(ROWS, start + BATCH); index++) {
        const status = weighted(next, STATUSES)
        mix[status] = (mix[status] ?? 0) + 1
        const provider = weighted(next, PROVIDERS)
        const [type, action] = weighted(next, EVENT_TYPES)
        const createdAt = new Date(now - Math.floor(next() * 30 * 24 * 3600 * 1000))
        const checkout = Math.floor(index / 3)
        const sessionId = `payses_bench${String(checkout).padStart(8, "0")}`
        const eventId = `evt_bench${String(index).padStart(8, "0")}${Math.floor(next() * 1e6)}`
        const amount = 500 + Math.floor(next() * 50_000)
        const finished = status === "processed" || status === "ignored"
        const attempts = status === "received" ? 0 : status === "dead" ? 8 : status === "failed" ? 1 + Math.floor(next() * 6) : 1
        const row = [
          `pwhevt_bench${String(index).padStart(8, "0")}`,
          provider,
          eventId,
          type,
          action,
          status === "ignored" ? null : sessionId,
          finished && status === "processed" ? `cart_bench${checkout}` : null,
          status === "processed" && action !== "not_supported" ? `order_bench${checkout}` : null,
          amount / 100,
          JSON.stringify({ value: String(amount / 100), precision: 20 }),
          "eur",
          createdAt,
          status,
          next() < 0.02 ? "reconciler" : "webhook",
          attempts,
          status === "failed" || status === "received" || status === "processing" ? new Date(now + 60_000) : null,
          status === "failed" || status === "dead" ? "Stripe API error: 500 api_error (request req_bench)" : null,
          finished ? (status === "ignored" ? "not about a Medusa payment session" : "cart completed") : null,
          1 + (next() < 0.1 ? 1 : 0),
          JSON.stringify(stripePayload(eventId, type, action, sessionId, amount, Math.floor(createdAt.getTime() / 1000))),
          finished ? new Date(createdAt.getTime() + 800) : null,
          createdAt,
          createdAt,
        ]
        tuples.push(`(${row.map((_, column) => `$${values.length + column + 1}`).join(", ")})`)
        values.push(...row)
      }
      await client.query(`INSERT INTO payment_webhook_event (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, values)
    }
  } finally {
    await client.end()
  }
  // As autovacuum leaves a table a while after inserts: statistics fresh and the visibility map set
  // (so that counts can be index-only scans). A VACUUM right after the load leaves the new pages not
  // all-visible (seen with Postgres 17); a later one sets them. The results line says how many are.
  const vacuum = new Client({ connectionString: databaseUrl })
  await vacuum.connect()
  try {
    await vacuum.query("VACUUM ANALYZE payment_webhook_event")
    for (let round = 0; round < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await vacuum.query("VACUUM payment_webhook_event")
      const { rows } = await vacuum.query(
        `SELECT relpages, relallvisible, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class WHERE relname = 'payment_webhook_event'`
      )
      table = rows[0] as typeof table
      if (table!.relallvisible >= 0.95 * table!.relpages) {
        break
      }
    }
  } finally {
    await vacuum.end()
  }
  return mix
}


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/**
 * Times every scenario's request REQUESTS times (after WARM_UP rounds), round-robin, so that load
 * from elsewhere on the machine spreads evenly over the scenarios.
 */
async function measure(app: ChildApp, token: string, scenarios: [string, string][]) {
  const latencies = scenarios.map(() => [] as number[])
  const counts = scenarios.map(() => -1)
  for (let round = 0; round < WARM_UP + REQUESTS; round++) {
    for (const [index, [, url]] of scenarios.entries()) {
      const started = process.hrtime.bigint()
      const response = await fetch(`${app.baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } })
      const body = (await response.json()) as { count: number }
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (response.status !== 200) {
        throw new Error(`GET ${url} -> ${response.status}: ${JSON.stringify(body)}`)
      }
      counts[index] = body.count
      if (round >= WARM_UP) {
        latencies[index].push(ms)
      }
    }
  }
  return scenarios.map(([name], index) => {
    const sorted = latencies[index].sort((a, b) => a - b)
    return {
      name,
      count: counts[index],
      p50: percentile(sorted, 50).toFixed(1),
      p95: percentile(sorted, 95).toFixed(1),
      max: sorted[sorted.length - 1].toFixed(1),
    }
  })
}

/** The plans of the statements the list runs (as Medusa's Query and the summary send them). */
async function explain(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const statements = [
      `SELECT id, status, created_at FROM payment_webhook_event WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 20`,
      `SELECT count(*) FROM payment_webhook_event WHERE deleted_at IS NULL`,
      `SELECT status, count(*) FROM payment_webhook_event WHERE deleted_at IS NULL GROUP BY status`,
      `SELECT id, status, created_at FROM payment_webhook_event WHERE status IN ('dead') AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 20`,
    ]
    for (const statement of statements) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement}`)
      console.info(`\n${statement}\n${rows.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}`)
    }
  } finally {
    await client.end()
  }
}

async function main() {
  const { freePort, startEmbeddedPostgres } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-bench-pg-"))
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  Object.assign(process.env, { DB_HOST: "localhost", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
  let app: ChildApp | undefined
  try {
    const databaseUrl = await freshDatabase("bench_admin_list")
    const env = childEnv({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "error",
      STRIPE_API_KEY: "sk_test_local",
      STRIPE_API_HOST: "localhost",
      // Nothing may change the rows while they are measured: no recovery job, no reconciler.
      PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE: "0 0 1 1 *",
      PAYMENT_WEBHOOKS_RECONCILE: "false",
    })
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["user", "-e", ADMIN.email, "-p", ADMIN.password], ROOT, env)
    app = await startMedusa(ROOT, env)
    // Filled after the boot, so that the boot recovery finds nothing to take.
    const mix = await fillInbox(databaseUrl)
    const login = await fetch(`${app.baseUrl}/auth/user/emailpass`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    })
    const { token } = (await login.json()) as { token: string }

    const scenarios: [string, string][] = [
      ["default page (20 newest, summary)", "/admin/payment-webhooks"],
      ["status=dead", "/admin/payment-webhooks?status=dead"],
      ["status=failed,dead", "/admin/payment-webhooks?status=failed,dead"],
      ["provider_id + created_at range", `/admin/payment-webhooks?provider_id=pp_stripe_stripe&created_at[$gte]=${new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString()}`],
      ["q (part of an event id)", "/admin/payment-webhooks?q=bench0000123"],
      ["limit=100, +payload", "/admin/payment-webhooks?limit=100&fields=%2Bpayload"],
      ["for comparison: Medusa's GET /admin/users (1 row)", "/admin/users"],
    ]
    const loadBefore = os.loadavg()[0]
    const results = await measure(app, token, scenarios)
    const loadAfter = os.loadavg()[0]
    if (process.env.BENCH_EXPLAIN !== "false") {
      await explain(databaseUrl)
    }

    const rows = results.map((r) => `| ${r.name} | ${r.count} | ${r.p50} | ${r.p95} | ${r.max} |`).join("\n")
    const section = `
## Admin list \`GET /admin/payment-webhooks\`, ${new Date().toISOString().slice(0, 10)}

Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.
${ROWS} inbox rows (${Object.entries(mix).map(([status, n]) => `${n} ${status}`).join(", ")}; 5 providers, 10 event types,
~2.5 kB Stripe payloads, created over 30 days), ${REQUESTS} sequential requests per line (round-robin over the lines) after
${WARM_UP} warm-up rounds, load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} (the machine is shared),
admin bearer token, \`medusa start\` (NODE_ENV development), one embedded Postgres 17 (table ${table?.size}, ${table?.relallvisible}/${table?.relpages}
pages all-visible after VACUUM). Every answer of the plugin's list includes the per-status \`summary\`.

| request | count | p50 ms | p95 ms | max ms |
|---|---|---|---|---|
${rows}
`
    fs.appendFileSync(path.join(ROOT, "bench", "RESULTS.md"), section)
    process.stdout.write(section)
  } finally {
    await app?.stop()
    await pg.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
