import fs from "node:fs"
import path from "node:path"
import { childEnv, freshDatabase, ROOT, runMedusa, startMedusa, type ChildApp } from "../helpers/child-app"
import {
  declareDependencies,
  npmInstall,
  packedFileProblems,
  packPlugin,
  PLUGIN_NAME,
  typeCheckConsumer,
  writeConsumerApp,
} from "../helpers/packed-plugin"

/**
 * The published shape of the plugin: `npm run build`, `npm pack`, and a separate minimal Medusa app
 * that installs the tarball with `npm install` and lists the package under `plugins` (and its Stripe
 * providers under the Payment Module) boots with `medusa start` and serves the plugin's routes. The
 * app lives under this checkout's `tmp/` and borrows its Medusa (peer dependencies are not installed
 * again: `--legacy-peer-deps`); `npm run test:compat` does the same with an app that installs its own
 * Medusa of a given version. Runs outside jest's module system on purpose: the app must load the
 * package exactly as a consumer's app would.
 */
const WORK_DIR = path.join(ROOT, "tmp", "packaging")
const APP_DIR = path.join(WORK_DIR, "app")
const DATABASE = "mpw_packaging_app"
const ADMIN = { email: "packaging@medusa-test.com", password: "supersecret" }

jest.setTimeout(10 * 60 * 1000)

describe("the packed file list check", () => {
  it("flags missing declarations, tests, node_modules and database folders", () => {
    const problems = packedFileProblems([
      ".medusa/server/src/index.js",
      ".medusa/server/src/endpoint/__tests__/read-body.spec.js",
      "node_modules/stripe/package.json",
      ".data/postgres/PG_VERSION",
    ])

    expect(problems).toEqual(
      expect.arrayContaining([
        "missing declaration .medusa/server/src/index.d.ts",
        "missing declaration .medusa/server/src/providers/stripe/index.d.ts",
        "should not be packed: .medusa/server/src/endpoint/__tests__/read-body.spec.js",
        "should not be packed: node_modules/stripe/package.json",
        "should not be packed: .data/postgres/PG_VERSION",
      ])
    )
  })
})

describe("the built plugin in a separate Medusa app", () => {
  let app: ChildApp | undefined
  let baseUrl = ""
  let packedFiles: string[] = []

  beforeAll(async () => {
    const env = childEnv({ NODE_ENV: "production", DATABASE_URL: await freshDatabase(DATABASE) })
    const { tarball, files } = await packPlugin(WORK_DIR)
    packedFiles = files
    writeConsumerApp(APP_DIR, { [PLUGIN_NAME]: `file:${tarball}` })
    await npmInstall(APP_DIR, ["--legacy-peer-deps"])
    declareDependencies(APP_DIR, { "@medusajs/framework": "2.21.2", "@medusajs/medusa": "2.21.2" })
    await runMedusa(["db:migrate"], APP_DIR, env)
    await runMedusa(["user", "-e", ADMIN.email, "-p", ADMIN.password], APP_DIR, env)
    app = await startMedusa(APP_DIR, env)
    baseUrl = app.baseUrl
  })

  afterAll(async () => {
    await app?.stop()
  })

  it("the tarball holds a declaration for every export, and none of the repository's tests, node_modules or databases", () => {
    expect(packedFiles.length).toBeGreaterThan(0)
    expect(packedFileProblems(packedFiles)).toEqual([])
  })

  it("is installed from the tarball, not linked: the app's copy is a real directory", () => {
    const installed = path.join(APP_DIR, "node_modules", PLUGIN_NAME)
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false)
    expect(fs.existsSync(path.join(installed, ".medusa", "server", "src", "index.d.ts"))).toBe(true)
  })

  it("a consumer's TypeScript importing every entry point and its main types compiles under strict", async () => {
    await expect(typeCheckConsumer(APP_DIR)).resolves.toBeDefined()
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
