import fs from "node:fs"
import path from "node:path"
import { childEnv, freshDatabase, ROOT, runMedusa, startMedusa, type ChildApp } from "../helpers/child-app"

/**
 * The published shape of the plugin: `medusa plugin:build`, then a separate minimal Medusa app that
 * lists the built package under `plugins` (and its Stripe providers under the Payment Module) boots
 * with `medusa start` and serves the plugin's route. Runs outside jest's module system on purpose:
 * the app must load the build output exactly as a consumer's app would.
 */
const APP_DIR = path.join(ROOT, "tmp", "packaging-app")
const DATABASE = "mpw_packaging_app"
const ADMIN = { email: "packaging@medusa-test.com", password: "supersecret" }

jest.setTimeout(10 * 60 * 1000)

function writeApp(): void {
  fs.rmSync(APP_DIR, { recursive: true, force: true })
  fs.mkdirSync(path.join(APP_DIR, "node_modules"), { recursive: true })
  fs.symlinkSync(ROOT, path.join(APP_DIR, "node_modules", "medusa-payment-webhooks"), "dir")
  fs.writeFileSync(
    path.join(APP_DIR, "package.json"),
    JSON.stringify(
      {
        name: "packaging-app",
        private: true,
        version: "0.0.0",
        dependencies: {
          "@medusajs/framework": "2.21.2",
          "@medusajs/medusa": "2.21.2",
          "medusa-payment-webhooks": "file:../..",
        },
      },
      null,
      2
    )
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

describe("the built plugin in a separate Medusa app", () => {
  let app: ChildApp | undefined
  let baseUrl = ""

  beforeAll(async () => {
    const env = childEnv({ NODE_ENV: "production", DATABASE_URL: await freshDatabase(DATABASE) })
    await runMedusa(["plugin:build"], ROOT, env)
    writeApp()
    await runMedusa(["db:migrate"], APP_DIR, env)
    await runMedusa(["user", "-e", ADMIN.email, "-p", ADMIN.password], APP_DIR, env)
    app = await startMedusa(APP_DIR, env)
    baseUrl = app.baseUrl
  })

  afterAll(async () => {
    await app?.stop()
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

  it("serves the plugin's admin API to an admin (and 401 without a token): GET /admin/payment-webhooks", async () => {
    const login = await fetch(`${baseUrl}/auth/user/emailpass`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    })
    const { token } = (await login.json()) as { token: string }

    const response = await fetch(`${baseUrl}/admin/payment-webhooks?status=dead`, { headers: { authorization: `Bearer ${token}` } })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ payment_webhooks: [], count: 0, summary: { dead: 0 } })
    expect((await fetch(`${baseUrl}/admin/payment-webhooks`)).status).toBe(401)
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
