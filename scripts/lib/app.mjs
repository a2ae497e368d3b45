/**
 * Shared plumbing of `npm run dev` and `npm run seed`: the database (embedded Postgres under .data/
 * unless DATABASE_URL is set), migrations and the idempotent seed. No product logic lives here.
 */
import { spawn } from "node:child_process"
import net from "node:net"
import path from "node:path"
import fs from "node:fs"
import pg from "pg"
import { fileURLToPath } from "node:url"
import { startEmbeddedPostgres } from "./postgres.mjs"

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const DATA_DIR = path.join(ROOT, ".data")
export const SEED_OUTPUT = path.join(DATA_DIR, "seed.json")
const DEV_DATABASE = "medusa_payment_webhooks"
const MEDUSA_BIN = path.join(ROOT, "node_modules", ".bin", "medusa")

/** Writes a progress line to stderr (stdout is kept for machine-readable output). */
export function say(message) {
  process.stderr.write(`[medusa-payment-webhooks] ${message}\n`)
}

function isListening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => socket.end(() => resolve(true)))
    socket.once("error", () => resolve(false))
  })
}

/**
 * Returns `{ databaseUrl, stop }`. Uses DATABASE_URL when set; otherwise starts the embedded
 * Postgres with its data in .data/postgres (reused across runs), or joins one that another
 * `npm run dev` / `npm run seed` already started on DEV_PG_PORT (default 54321).
 */
export async function ensureDatabase() {
  if (process.env.DATABASE_URL) {
    say("using DATABASE_URL")
    await createDatabaseIfMissing(process.env.DATABASE_URL)
    return { databaseUrl: process.env.DATABASE_URL, stop: async () => {} }
  }
  const port = Number(process.env.DEV_PG_PORT || 54321)
  const url = `postgres://postgres:postgres@localhost:${port}/${DEV_DATABASE}`
  if (await isListening(port)) {
    say(`joining the embedded Postgres already running on port ${port}`)
    return { databaseUrl: url, stop: async () => {} }
  }
  fs.mkdirSync(DATA_DIR, { recursive: true })
  say(`starting embedded Postgres on port ${port} (data in .data/postgres)`)
  const pg = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, "postgres"), port })
  await pg.createDatabase(DEV_DATABASE)
  return { databaseUrl: url, stop: () => pg.stop() }
}

/**
 * Creates the database DATABASE_URL names when the server does not have it yet (as `medusa db:setup`
 * would), connecting to the server's `postgres` database to do so.
 */
async function createDatabaseIfMissing(databaseUrl) {
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.slice(1))
  if (!name) {
    throw new Error("DATABASE_URL names no database (postgres://user:pass@host:port/<database>)")
  }
  url.pathname = "/postgres"
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    if (!rowCount) {
      say(`creating database ${name}`)
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
    }
  } finally {
    await client.end()
  }
}

/** Runs the medusa CLI to completion; rejects on a non-zero exit. Its output goes to stderr. */
export function runMedusa(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(MEDUSA_BIN, args, { cwd: ROOT, env, stdio: ["ignore", process.stderr, process.stderr] })
    child.on("error", reject)
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`medusa ${args.join(" ")} exited with ${code}`))))
  })
}

/** The environment every child process gets. */
export function appEnv(databaseUrl) {
  return { ...process.env, DATABASE_URL: databaseUrl, MEDUSA_DISABLE_TELEMETRY: "true" }
}

/** Migrates (core, links and this plugin's inbox) and seeds; returns the seeded ids. */
export async function migrateAndSeed(env) {
  say("running migrations")
  await runMedusa(["db:migrate"], env)
  say("seeding (idempotent)")
  await runMedusa(["exec", "./scripts/seed-app.ts"], { ...env, SEED_OUTPUT })
  return JSON.parse(fs.readFileSync(SEED_OUTPUT, "utf8"))
}
