import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { Client } from "pg"

/**
 * The published shape of the plugin: `medusa plugin:build`, then a separate minimal Medusa app that
 * lists the built package under `plugins` (and its Stripe providers under the Payment Module) boots
 * with `medusa start` and serves the plugin's route. Runs outside jest's module system on purpose:
 * the app must load the build output exactly as a consumer's app would.
 */
const ROOT = path.resolve(__dirname, "../..")
const APP_DIR = path.join(ROOT, "tmp", "packaging-app")
const MEDUSA = path.join(ROOT, "node_modules", ".bin", "medusa")
const DATABASE = "mpw_packaging_app"

jest.setTimeout(10 * 60 * 1000)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function databaseUrl(database: string): string {
  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  return `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`
}

async function recreateDatabase(): Promise<void> {
  const client = new Client({ connectionString: databaseUrl("postgres") })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE}"`)
    await client.query(`CREATE DATABASE "${DATABASE}"`)
  } finally {
    await client.end()
  }
}

function writeApp(): void {
  fs.rmSync(APP_DIR, { recursive: true, force: true })
  fs.mkdirSync(path.join(APP_DIR, "node_modules"), { recursive: true })
  fs.symlinkSync(ROOT, path.join(APP_DIR, "node_modules", "medusa-payment-webhooks"), "dir")
  fs.writeFileSync(
    path.join(APP_DIR, "package.json"),
    JSON.stringify({ name: "packaging-app", private: true, version: "0.0.0" }, null, 2)
  )
  fs.writeFileSync(
    path.join(APP_DIR, "medusa-config.js"),
    `const { defineConfig, Modules } = require("@medusajs/framework/utils")

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: { jwtSecret: "test", cookieSecret: "test", storeCors: "*", adminCors: "*", authCors: "*" },
  },
  admin: { disable: true },
  plugins: [{ resolve: "medusa-payment-webhooks", options: { maxBodyBytes: 65536 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      key: Modules.PAYMENT,
      options: {
        providers: [
          {
            resolve: "medusa-payment-webhooks/providers/stripe",
            id: "stripe",
            options: { apiKey: "sk_test_packaging", webhookSecret: "whsec_packaging" },
          },
        ],
      },
    },
  ],
})
`
  )
}

async function waitForHealth(baseUrl: string, app: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 3 * 60 * 1000
  while (Date.now() < deadline) {
    if (app.exitCode !== null) {
      throw new Error(`the packaged app exited with ${app.exitCode}:\n${output()}`)
    }
    try {
      const response = await fetch(`${baseUrl}/health`)
      if (response.ok) {
        return
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`the packaged app did not become healthy:\n${output()}`)
}

describe("the built plugin in a separate Medusa app", () => {
  let app: ChildProcess | undefined
  let baseUrl = ""
  let output = ""

  beforeAll(async () => {
    const env = {
      ...process.env,
      NODE_ENV: "production",
      NODE_OPTIONS: "",
      MEDUSA_DISABLE_TELEMETRY: "true",
      DATABASE_URL: databaseUrl(DATABASE),
    }
    execFileSync(MEDUSA, ["plugin:build"], { cwd: ROOT, env, stdio: "pipe" })
    writeApp()
    await recreateDatabase()
    execFileSync(MEDUSA, ["db:migrate"], { cwd: APP_DIR, env, stdio: "pipe" })
    const port = await freePort()
    baseUrl = `http://localhost:${port}`
    app = spawn(MEDUSA, ["start"], { cwd: APP_DIR, env: { ...env, PORT: String(port) }, detached: true })
    app.stdout?.on("data", (chunk) => (output += chunk))
    app.stderr?.on("data", (chunk) => (output += chunk))
    await waitForHealth(baseUrl, app, () => output)
  })

  afterAll(async () => {
    if (app?.pid && app.exitCode === null) {
      const exited = new Promise((resolve) => app!.once("exit", resolve))
      process.kill(-app.pid, "SIGTERM")
      await exited
    }
  })

  it("serves the plugin's webhook route: unknown provider -> 404 unknown_provider", async () => {
    const response = await fetch(`${baseUrl}/hooks/payment/nope_nope`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "evt_1" }),
    })

    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ type: "unknown_provider" })
  })

  it("loads the Stripe providers from the package: a bad signature -> 400 invalid_signature", async () => {
    const response = await fetch(`${baseUrl}/hooks/payment/stripe_stripe`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=deadbeef" },
      body: JSON.stringify({ id: "evt_1", type: "payment_intent.succeeded" }),
    })

    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ type: "invalid_signature" })
  })

  it("hands the plugin's options to its inbox module: a body over maxBodyBytes -> 413", async () => {
    const response = await fetch(`${baseUrl}/hooks/payment/stripe_stripe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(70_000) }),
    })

    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ type: "payload_too_large" })
  })
})
