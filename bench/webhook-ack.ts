/**
 * Side-by-side benchmark of webhook acknowledgement: this plugin's route (verify the signature, store
 * the event durably, then answer) against Medusa's core route (answer 200 after queueing an in-memory
 * event, without verifying anything). Both apps run `medusa start` as child processes on one embedded
 * Postgres; each gets the same number of distinct, correctly signed Stripe events at the same
 * concurrency. Run by hand: `npx tsx bench/webhook-ack.ts` (BENCH_EVENTS, BENCH_CONCURRENCY).
 * Results are appended to bench/RESULTS.md.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import Stripe from "stripe"
import { childEnv, freshDatabase, ROOT, runMedusa, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"

const EVENTS = Number(process.env.BENCH_EVENTS || 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16)
const SECRET = "whsec_bench"
const CORE_APP = path.join(ROOT, "tmp", "bench-core-app")

function writeCoreApp(): void {
  fs.rmSync(CORE_APP, { recursive: true, force: true })
  fs.mkdirSync(CORE_APP, { recursive: true })
  fs.writeFileSync(path.join(CORE_APP, "package.json"), JSON.stringify({ name: "bench-core-app", private: true, dependencies: { "@medusajs/medusa": "2.21.2" } }))
  fs.writeFileSync(
    path.join(CORE_APP, "medusa-config.js"),
    `const { defineConfig, Modules } = require("@medusajs/framework/utils")
module.exports = defineConfig({
  projectConfig: { databaseUrl: process.env.DATABASE_URL, http: { jwtSecret: "b", cookieSecret: "b", storeCors: "*", adminCors: "*", authCors: "*" } },
  admin: { disable: true },
  modules: [{ resolve: "@medusajs/medusa/payment", key: Modules.PAYMENT, options: { providers: [
    { resolve: "@medusajs/medusa/payment-stripe", id: "stripe", options: { apiKey: "sk_test_bench", webhookSecret: "${SECRET}" } },
  ] } }],
})
`
  )
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function hammer(app: ChildApp, provider: string) {
  const signer = new Stripe("sk_test_bench")
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let next = 0
  const started = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) {
        const index = next++
        const body = JSON.stringify({
          id: `evt_bench_${index}_${Date.now()}`,
          object: "event",
          type: "payment_intent.created",
          created: Math.floor(Date.now() / 1000),
          livemode: false,
          api_version: "2024-06-20",
          data: { object: { id: `pi_bench_${index}`, object: "payment_intent", amount: 1000, currency: "eur", metadata: {}, status: "requires_payment_method" } },
        })
        const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: SECRET })
        const t0 = process.hrtime.bigint()
        const response = await fetch(`${app.baseUrl}/hooks/payment/${provider}`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": signature },
          body,
        })
        await response.arrayBuffer()
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6)
        statuses[response.status] = (statuses[response.status] ?? 0) + 1
      }
    })
  )
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  return {
    statuses,
    throughput: Math.round(EVENTS / seconds),
    p50: percentile(latencies, 50).toFixed(1),
    p95: percentile(latencies, 95).toFixed(1),
    p99: percentile(latencies, 99).toFixed(1),
  }
}

async function main() {
  const { freePort, startEmbeddedPostgres } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-bench-pg-"))
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
  Object.assign(process.env, { DB_HOST: "localhost", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
  const apps: ChildApp[] = []
  try {
    const pluginEnv = childEnv({
      DATABASE_URL: await freshDatabase("bench_plugin"),
      LOG_LEVEL: "error",
      STRIPE_API_KEY: "sk_test_local",
      STRIPE_API_HOST: "localhost",
      STRIPE_WEBHOOK_SECRET: SECRET,
    })
    const coreEnv = childEnv({ DATABASE_URL: await freshDatabase("bench_core"), LOG_LEVEL: "error" })
    writeCoreApp()
    await runMedusa(["db:migrate"], CORE_APP, coreEnv)
    await runMedusa(["db:migrate"], ROOT, pluginEnv)

    const results: Record<string, Awaited<ReturnType<typeof hammer>>> = {}
    for (const [name, cwd, env] of [
      ["medusa core route", CORE_APP, coreEnv],
      ["medusa-payment-webhooks", ROOT, pluginEnv],
    ] as const) {
      const app = await startMedusa(cwd, env)
      apps.push(app)
      await hammer(app, "stripe_stripe")
      results[name] = await hammer(app, "stripe_stripe")
      await app.stop()
    }

    const rows = Object.entries(results)
      .map(([name, r]) => `| ${name} | ${r.throughput} | ${r.p50} | ${r.p95} | ${r.p99} | ${JSON.stringify(r.statuses)} |`)
      .join("\n")
    const section = `
## Webhook acknowledgement, ${new Date().toISOString().slice(0, 10)}

Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.
${EVENTS} distinct signed \`payment_intent.created\` events per app (after a warm-up round of the same size),
${CONCURRENCY} concurrent connections, \`medusa start\` (NODE_ENV development), one embedded Postgres 17.

| route | events/s | p50 ms | p95 ms | p99 ms | statuses |
|---|---|---|---|---|---|
${rows}

Medusa's core route answers before it has verified or stored anything (it queues an in-memory event);
this plugin's route verifies the signature with the Stripe SDK and writes the inbox row first.
`
    fs.appendFileSync(path.join(ROOT, "bench", "RESULTS.md"), section)
    process.stdout.write(section)
  } finally {
    await Promise.all(apps.map((app) => app.stop()))
    await pg.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
