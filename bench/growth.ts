/**
 * Growth benchmark (`npx tsx bench/growth.ts`): does the cost of the acknowledgement and of the
 * scheduled jobs' queries grow with the history kept in the inbox?
 *
 * One `medusa start` with the plugin's default options (recovery every 5 s, reconciler every minute,
 * retention hourly) on an embedded Postgres. At each level of GROWTH_LEVELS (0, 100,000 and
 * 1,000,000 rows by default) the inbox is first filled with old rows, written directly with SQL
 * (`generate_series`, ~2.5 kB Stripe payloads, a month's mix of statuses, `VACUUM ANALYZE` after it
 * as autovacuum would), then:
 * - the acknowledgement: signed Stripe events at a fixed open-loop rate (GROWTH_ACK_RATE/s for
 *   GROWTH_ACK_SECONDS s, `bench/load.ts`), p50 and p99;
 * - every hot statement of the inbox module (`bench/hot-queries.ts`), GROWTH_QUERY_RUNS times: the
 *   median of the server's planning + execution time (writes inside a rolled-back transaction);
 * - the admin list's default page over HTTP (what an operator opening the page waits for).
 * The `EXPLAIN (ANALYZE, BUFFERS)` of every statement at the largest level is written to
 * docs/QUERIES.md, the table to docs/SCALING.md between its `growth` markers.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { childEnv, freshDatabase, ROOT, runMedusa, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"
import { HOT_QUERIES, fillInbox, inboxSize, type HotQuery } from "./hot-queries"
import { openLoop, percentile } from "./load"
import { replaceSection } from "./report-section"

const LEVELS = (process.env.GROWTH_LEVELS || "0,100000,1000000").split(",").map(Number)
const ACK_RATE = Number(process.env.GROWTH_ACK_RATE || 25)
const ACK_SECONDS = Number(process.env.GROWTH_ACK_SECONDS || 20)
const QUERY_RUNS = Number(process.env.GROWTH_QUERY_RUNS || 20)
const ADMIN_REQUESTS = 20
const SECRET = "whsec_bench_growth"
const ADMIN = { email: "growth@medusa-test.com", password: "supersecret" }
/** What "no growth" means: the 1,000,000-row figure at most this much above the empty inbox's. */
const TARGET_RATIO = 1.2

interface LevelResult {
  rows: number
  size: string
  load: number
  ack: { p50: number; p99: number; achieved: number; statuses: Record<string, number> }
  queries: Record<string, number>
  adminList: { p50: number; p95: number }
  plans: Record<string, string>
}

function log(message: string) {
  process.stderr.write(`[growth ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50)

/**
 * Runs `query` once on `client` and returns the server's planning + execution time (ms), as
 * `EXPLAIN (ANALYZE, TIMING OFF)` reports it: on a shared machine the client's wall time mostly
 * measures the scheduler. Writes are rolled back.
 */
async function timeOnce(client: Client, query: HotQuery): Promise<number> {
  await client.query("BEGIN")
  try {
    const context = await query.prepare(client)
    const { rows } = await client.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${query.sql}`, query.params(context))
    const [plan] = rows[0]["QUERY PLAN"] as { "Planning Time": number; "Execution Time": number }[]
    return plan["Planning Time"] + plan["Execution Time"]
  } finally {
    await client.query("ROLLBACK")
  }
}

/** `EXPLAIN (ANALYZE, BUFFERS)` of `query` as the module sends it; writes are rolled back. */
async function explain(client: Client, query: HotQuery): Promise<string> {
  await client.query("BEGIN")
  try {
    const context = await query.prepare(client)
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params(context))
    return rows.map((row) => row["QUERY PLAN"]).join("\n")
  } finally {
    await client.query("ROLLBACK")
  }
}

async function adminToken(app: ChildApp): Promise<string> {
  const response = await fetch(`${app.baseUrl}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  })
  return ((await response.json()) as { token: string }).token
}

async function measureAdminList(app: ChildApp, token: string): Promise<{ p50: number; p95: number }> {
  const latencies: number[] = []
  for (let round = 0; round < ADMIN_REQUESTS + 3; round++) {
    const started = performance.now()
    const response = await fetch(`${app.baseUrl}/admin/payment-webhooks`, { headers: { authorization: `Bearer ${token}` } })
    await response.json()
    if (response.status !== 200) {
      throw new Error(`GET /admin/payment-webhooks -> ${response.status}`)
    }
    if (round >= 3) {
      latencies.push(performance.now() - started)
    }
  }
  latencies.sort((a, b) => a - b)
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
}

async function measureLevel(app: ChildApp, client: Client, token: string, rows: number): Promise<LevelResult> {
  const load = os.loadavg()[0]
  const hook = `${app.baseUrl}/hooks/payment/stripe_stripe`
  log(`${rows} rows: acknowledgement warm-up, then ${ACK_RATE}/s for ${ACK_SECONDS} s`)
  await openLoop(hook, SECRET, ACK_RATE, 2)
  const ack = await openLoop(hook, SECRET, ACK_RATE, ACK_SECONDS)
  log(`${rows} rows: ${HOT_QUERIES.length} statements x ${QUERY_RUNS}`)
  const queries: Record<string, number> = {}
  const plans: Record<string, string> = {}
  for (const query of HOT_QUERIES) {
    const times: number[] = []
    for (let run = 0; run < QUERY_RUNS + 2; run++) {
      const ms = await timeOnce(client, query)
      if (run >= 2) {
        times.push(ms)
      }
    }
    queries[query.name] = median(times)
    plans[query.name] = await explain(client, query)
  }
  const adminList = await measureAdminList(app, token)
  return {
    rows,
    size: (await inboxSize(client)).size,
    load: (load + os.loadavg()[0]) / 2,
    ack: { p50: percentile(ack.latencies, 50), p99: percentile(ack.latencies, 99), achieved: ack.achieved, statuses: ack.statuses },
    queries,
    adminList,
    plans,
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : "-")

/** `value` against the empty inbox's, flagged when it misses the target. */
function versus(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) {
    return ms(value)
  }
  const ratio = value / base
  return `${ms(value)} (${ratio.toFixed(2)}x${ratio > TARGET_RATIO ? " !" : ""})`
}

function report(results: LevelResult[], minutes: number): string {
  const [base] = results
  const header = `| measure | ${results.map((result) => `${result.rows.toLocaleString("en")} rows`).join(" | ")} |`
  const rule = `|---|${results.map(() => "---").join("|")}|`
  const line = (name: string, pick: (result: LevelResult) => number) =>
    `| ${name} | ${results.map((result) => versus(pick(result), pick(base))).join(" | ")} |`
  const statuses = (result: LevelResult) =>
    Object.entries(result.ack.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(", ")
  return `## Growth: \`npx tsx bench/growth.ts\`, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC

Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, embedded
Postgres 17 (fsync off), one \`medusa start\` with the plugin's default options. Run took ${minutes.toFixed(1)} min.
Acknowledgement: ${ACK_RATE} signed events/s for ${ACK_SECONDS} s, open loop (latency from when a request was due).
Statements: median of ${QUERY_RUNS} runs each of the server's planning + execution time (\`EXPLAIN (ANALYZE, TIMING OFF)\`;\nwrites rolled back).
Admin list: \`GET /admin/payment-webhooks\` (default page with count and per-status summary), ${ADMIN_REQUESTS} requests.
In brackets: the figure against the empty inbox's; \`!\` marks more than ${Math.round((TARGET_RATIO - 1) * 100)} % above it.

${header}
${rule}
| inbox size (table, indexes, TOAST) | ${results.map((result) => result.size).join(" | ")} |
| load average (1 min) during the level | ${results.map((result) => result.load.toFixed(1)).join(" | ")} |
| acknowledgement answered/s | ${results.map((result) => Math.round(result.ack.achieved)).join(" | ")} |
| acknowledgement statuses | ${results.map(statuses).join(" | ")} |
${line("acknowledgement p50 ms", (result) => result.ack.p50)}
${line("acknowledgement p99 ms", (result) => result.ack.p99)}
${HOT_QUERIES.map((query) => line(`${query.name} ms`, (result) => result.queries[query.name])).join("\n")}
${line("admin list over HTTP, p50 ms", (result) => result.adminList.p50)}
${line("admin list over HTTP, p95 ms", (result) => result.adminList.p95)}
`
}

function queriesDoc(result: LevelResult): string {
  return `# The inbox's hot statements and their plans

Generated by \`npx tsx bench/growth.ts\` (${new Date().toISOString().slice(0, 10)}) at ${result.rows.toLocaleString("en")} rows in the inbox
(${result.size} with indexes and TOAST; the status mix and payloads are described in [SCALING.md](SCALING.md)).
Each statement is the one the inbox module (\`src/modules/payment-webhooks/service.ts\`) or the admin list sends,
with the parameters of a typical call; writes ran inside a transaction that was rolled back. What each plan
means, and which index serves it, is in [SCALING.md](SCALING.md#what-the-plans-show).

${HOT_QUERIES.map(
  (query) => `## ${query.name}

${query.what}

\`\`\`sql
${query.sql.replace(/\n {6,}/g, "\n  ").trim()}
\`\`\`

\`\`\`
${result.plans[query.name]}
\`\`\`
`
).join("\n")}`
}

async function main() {
  const started = Date.now()
  const { freePort, startEmbeddedPostgres } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-growth-pg-"))
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  Object.assign(process.env, { DB_HOST: "localhost", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
  let app: ChildApp | undefined
  try {
    const databaseUrl = await freshDatabase("bench_growth")
    const env = childEnv({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "error",
      // Verification needs only the webhook secret: the events are for payments of another
      // integration (no session), so nothing calls the Stripe API.
      STRIPE_API_KEY: "sk_test_local",
      STRIPE_API_HOST: "localhost",
      STRIPE_WEBHOOK_SECRET: SECRET,
    })
    log("migrating")
    await runMedusa(["db:migrate"], ROOT, env)
    await runMedusa(["user", "-e", ADMIN.email, "-p", ADMIN.password], ROOT, env)
    app = await startMedusa(ROOT, env)
    const token = await adminToken(app)
    const db = new Client({ connectionString: databaseUrl })
    await db.connect()
    const results: LevelResult[] = []
    try {
      let filled = 0
      for (const level of LEVELS) {
        if (level > filled) {
          log(`filling the inbox from ${filled} to ${level} old rows`)
          await fillInbox(db, filled, level)
          filled = level
        }
        results.push(await measureLevel(app, db, token, level))
        const last = results[results.length - 1]
        log(`${level} rows: ack p50 ${ms(last.ack.p50)} ms p99 ${ms(last.ack.p99)} ms; ${JSON.stringify(last.queries)}`)
      }
    } finally {
      await db.end()
    }
    const section = report(results, (Date.now() - started) / 60_000)
    replaceSection(path.join(ROOT, "docs", "SCALING.md"), "growth", section)
    fs.writeFileSync(path.join(ROOT, "docs", "QUERIES.md"), queriesDoc(results[results.length - 1]))
    process.stdout.write(section)
    log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min: docs/SCALING.md, docs/QUERIES.md`)
  } finally {
    await app?.stop()
    await pg.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exitCode = 1
})
