import axios, { type AxiosInstance } from "axios"
import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import { chromium, type Browser, type Page } from "playwright-core"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { startStripeSimulator, type StripeSimulator } from "../../src/testing/stripe-simulator"
import { childEnv, freshDatabase, ROOT, runMedusa, simulatorEnv, startMedusa, type ChildApp } from "../helpers/child-app"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { TEST_WEBHOOK_SECRET, waitFor } from "../helpers/stripe-harness"
import { signedStripeDelivery, simulatorEvent, type WebhookApi } from "../helpers/webhook-delivery"

/**
 * The admin pages in a real browser. A separate Medusa app installs the BUILT plugin (as a shop
 * would: `medusa plugin:build`, the package under `plugins`, `medusa build` for the app and its
 * admin, `medusa start` from the build), on the dev app's seeded data, with its Stripe providers on
 * the offline simulator. Debian's chromium, driven by playwright-core, logs in through the admin's
 * login page and does what a support person would: find the dead webhook of a paid cart, replay
 * it, see the order, and see the webhooks on the order's page.
 *
 * Screenshots go to E2E_SCREENSHOTS_DIR (default tmp/e2e-screenshots; `docs` refreshes the README's).
 */
jest.setTimeout(20 * 60 * 1000)

const APP_DIR = path.join(ROOT, "tmp", "e2e-app")
const BUILT_APP_DIR = path.join(APP_DIR, ".medusa", "server")
const DATABASE = "mpw_e2e_admin"
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const SCREENSHOTS = path.resolve(ROOT, process.env.E2E_SCREENSHOTS_DIR ?? "tmp/e2e-screenshots")
/** Two attempts before a row is dead; the Stripe SDK tries a failing call three times. */
const MAX_ATTEMPTS = 2
const SDK_ATTEMPTS_PER_CALL = 3
/** Generous: the machine may be shared; every wait polls for a state and returns as soon as it holds. */
const UI_TIMEOUT_MS = 60_000
/** Booting the shop from its build; minutes when the machine is busy. */
const BOOT_TIMEOUT_MS = 10 * 60 * 1000

/** The shop: the built plugin, its Stripe provider on the simulator, fast retries, the admin enabled. */
function writeApp(): void {
  fs.rmSync(APP_DIR, { recursive: true, force: true })
  fs.mkdirSync(path.join(APP_DIR, "node_modules"), { recursive: true })
  fs.symlinkSync(ROOT, path.join(APP_DIR, "node_modules", "medusa-payment-webhooks"), "dir")
  fs.writeFileSync(
    path.join(APP_DIR, "package.json"),
    JSON.stringify({ name: "e2e-app", private: true, version: "0.0.0", dependencies: { "@medusajs/framework": "2.21.2", "@medusajs/medusa": "2.21.2", "medusa-payment-webhooks": "file:../.." } }, null, 2)
  )
  fs.writeFileSync(
    path.join(APP_DIR, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2021", module: "Node16", moduleResolution: "Node16", outDir: "./.medusa/server", rootDir: "./", skipLibCheck: true, allowJs: true }, include: ["medusa-config.js"] }, null, 2)
  )
  fs.writeFileSync(
    path.join(APP_DIR, "medusa-config.js"),
    `const { defineConfig, Modules } = require("@medusajs/framework/utils")

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: { jwtSecret: "e2e", cookieSecret: "e2e", storeCors: "*", adminCors: "*", authCors: "*" },
    // The test talks plain http to localhost; in production the admin's session cookie is Secure (https only).
    cookieOptions: { secure: false, sameSite: "lax" },
  },
  plugins: [{ resolve: "medusa-payment-webhooks", options: { maxAttempts: ${MAX_ATTEMPTS}, retryBaseDelayMs: 100, retryMaxDelayMs: 300 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      key: Modules.PAYMENT,
      options: {
        providers: [
          {
            resolve: "medusa-payment-webhooks/providers/stripe",
            id: "stripe",
            options: {
              apiKey: process.env.STRIPE_API_KEY,
              webhookSecret: [process.env.STRIPE_WEBHOOK_SECRET],
              apiHost: process.env.STRIPE_API_HOST,
              apiPort: Number(process.env.STRIPE_API_PORT),
              apiProtocol: "http",
              apiTimeoutMs: 1500,
            },
          },
        ],
      },
    },
  ],
})
`
  )
}

describe("the admin pages in a real browser", () => {
  let sim: StripeSimulator
  let app: ChildApp | undefined
  let db: Client
  let browser: Browser | undefined
  let page: Page
  let api: AxiosInstance
  let seed: SeedResult
  const timings: Record<string, number> = {}
  const paid = { processed: { cartId: "", rowId: "" }, dead: { cartId: "", rowId: "", eventId: "" } }

  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    try {
      return await work()
    } finally {
      timings[name] = Date.now() - started
    }
  }

  async function row(id: string): Promise<{ status: string; attempts: number; order_id: string | null; cart_id: string | null }> {
    const { rows } = await db.query("SELECT status, attempts, order_id, cart_id FROM payment_webhook_event WHERE id = $1", [id])
    return rows[0]
  }

  async function ordersOfCart(cartId: string): Promise<string[]> {
    const { rows } = await db.query("SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL", [cartId])
    return rows.map((found) => found.order_id)
  }

  /** A card cart whose PaymentIntent is authorized at the simulator, and its signed `amount_capturable_updated` delivery. */
  async function authorizedCart(email: string) {
    const { cart, paymentSession } = await createCartReadyForPayment(api, seed, { currency: "eur", providerId: "pp_stripe_stripe", email })
    const paymentIntentId = (paymentSession.data as { id: string }).id
    await new Stripe("sk_test_local", { ...sim.stripeConfig(), maxNetworkRetries: 0 }).paymentIntents.confirm(paymentIntentId, {
      payment_method: "pm_card_visa",
    })
    const event = simulatorEvent(sim, "payment_intent.amount_capturable_updated", paymentIntentId)
    return { cartId: cart.id, paymentIntentId, event, delivery: signedStripeDelivery(api as unknown as WebhookApi, event) }
  }

  async function waitForRow(id: string, status: string) {
    return waitFor(async () => ((await row(id))?.status === status ? row(id) : null), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `row ${id} to be ${status}`,
    })
  }

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) })

  /** Runs a browser step; when it fails, the page's address and a screenshot (tmp/e2e-failure-*.png) go with the error. */
  async function step(name: string, work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      const file = path.join(ROOT, "tmp", `e2e-failure-${name}.png`)
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined)
      throw new Error(`${(error as Error).message}\nat ${page.url()}; screenshot: ${file}`)
    }
  }

  beforeAll(async () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true)
    sim = await startStripeSimulator({ port: 0, apiKey: "sk_test_local" })
    const env = childEnv({
      NODE_ENV: "production",
      DATABASE_URL: await freshDatabase(DATABASE),
      ...simulatorEnv(sim.port, TEST_WEBHOOK_SECRET),
      PAYMENT_WEBHOOKS_RECOVERY_SCHEDULE: "* * * * * *",
      SEED_OUTPUT: path.join(ROOT, "tmp", `${DATABASE}-seed.json`),
    })
    await timed("plugin build", () => runMedusa(["plugin:build"], ROOT, env))
    writeApp()
    // The dev app migrates and seeds the database (the same schema) while the shop builds its admin.
    await Promise.all([
      timed("app and admin build", () => runMedusa(["build"], APP_DIR, env)),
      timed("migrations and seed", async () => {
        await runMedusa(["db:migrate"], ROOT, env)
        await runMedusa(["exec", "./scripts/seed-app.ts"], ROOT, env)
      }),
    ])
    seed = JSON.parse(fs.readFileSync(env.SEED_OUTPUT!, "utf8"))
    app = await timed("app start", () => startMedusa(BUILT_APP_DIR, env, undefined, { bootTimeoutMs: BOOT_TIMEOUT_MS }))
    api = axios.create({ baseURL: app.baseUrl })
    db = new Client({ connectionString: env.DATABASE_URL })
    await db.connect()
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    })
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    page.setDefaultTimeout(UI_TIMEOUT_MS)
  })

  afterAll(async () => {
    await browser?.close()
    await db?.end()
    await app?.stop()
    await sim?.stop()
    console.info(`test:e2e timings (ms): ${JSON.stringify(timings)}`)
  })

  it("a paid cart's webhook is processed, and another one's is dead after its Stripe calls fail", async () => {
    const processed = await authorizedCart("e2e-processed@example.com")
    const answer = await processed.delivery.post()
    expect(answer.data).toMatchObject({ status: "received" })
    paid.processed = { cartId: processed.cartId, rowId: answer.data.id! }
    expect(await waitForRow(paid.processed.rowId, "processed")).toMatchObject({ cart_id: processed.cartId })

    const dead = await authorizedCart("e2e-dead@example.com")
    sim.failNext({ method: "GET", path: `/v1/payment_intents/${dead.paymentIntentId}` }, MAX_ATTEMPTS * SDK_ATTEMPTS_PER_CALL, "error")
    const deadAnswer = await dead.delivery.post()
    expect(deadAnswer.data).toMatchObject({ status: "received" })
    paid.dead = { cartId: dead.cartId, rowId: deadAnswer.data.id!, eventId: dead.event.id }
    expect(await waitForRow(paid.dead.rowId, "dead")).toMatchObject({ attempts: MAX_ATTEMPTS, order_id: null })
    expect(await ordersOfCart(dead.cartId)).toEqual([])
  })

  it("logs in through the admin's login page and opens Payment webhooks from the sidebar: both rows, the dead count in the summary", () =>
    step("list", async () => {
    await timed("login", async () => {
      await page.goto(`${app!.baseUrl}/app/login`)
      await page.locator('input[name="email"]').fill(seed.admin.email)
      await page.locator('input[name="password"]').fill(seed.admin.password)
      await page.getByRole("button", { name: "Continue with Email" }).click()
      await page.waitForURL((url) => !url.pathname.endsWith("/login"))
    })

    // The sidebar's entry that the plugin's route config adds (Escape first: nothing may stay open over the page).
    await page.keyboard.press("Escape")
    const sidebarEntry = page.locator('nav a[href$="/payment-webhooks"]')
    await expectText(sidebarEntry, "Payment webhooks")
    await sidebarEntry.first().click()
    await page.waitForURL(/\/app\/payment-webhooks$/)

    await page.getByTestId("summary-dead").filter({ hasText: "1" }).waitFor()
    await expectText(page.getByTestId("summary-processed"), "1")
    const rows = page.locator("tbody tr")
    await waitFor(async () => (await rows.count()) === 2, { timeoutMs: UI_TIMEOUT_MS, what: "the two rows in the table" })
    await expectText(rows.filter({ hasText: paid.processed.cartId }), "Processed")
    await expectText(rows.filter({ hasText: paid.dead.cartId }), "Dead")
    await shot("admin-payment-webhooks-list.png")
    }))

  it("filters to dead, opens the dead row, clicks Replay: processed, and the order link appears", () =>
    step("detail", async () => {
    await page.getByTestId("summary-dead").click()
    await page.waitForURL(/status=dead/)
    const rows = page.locator("tbody tr")
    await waitFor(async () => (await rows.count()) === 1 && (await rows.first().innerText()).includes(paid.dead.cartId), {
      timeoutMs: UI_TIMEOUT_MS,
      what: "only the dead row after filtering",
    })

    await rows.first().click()
    await page.waitForURL(new RegExp(`/app/payment-webhooks/${paid.dead.rowId}$`))
    await expectText(page.locator("body"), paid.dead.eventId)
    // The attempts render once their part of the page has loaded: wait for them, then read.
    await waitFor(async () => (await page.getByTestId("attempt").count()) === MAX_ATTEMPTS, {
      timeoutMs: UI_TIMEOUT_MS,
      what: `${MAX_ATTEMPTS} attempts in the timeline`,
    })
    expect(await page.getByTestId("order-link").count()).toBe(0)

    await page.getByTestId("replay-button").click()
    await page.getByText("Replayed: the webhook is processed now.").waitFor()
    const orderLink = page.getByTestId("order-link")
    await orderLink.waitFor()
    const [orderId] = await ordersOfCart(paid.dead.cartId)
    expect(orderId).toMatch(/^order_/)
    expect(await orderLink.innerText()).toBe(orderId)
    expect(await row(paid.dead.rowId)).toMatchObject({ status: "processed", order_id: orderId, attempts: MAX_ATTEMPTS + 1 })
    await page.locator('[data-testid="attempt"][data-result="processed"]').filter({ hasText: "Replay" }).waitFor()
    await shot("admin-payment-webhook-detail.png")
    }))

  it("the order's page shows its payment webhooks in the widget, linking back to the row", () =>
    step("order", async () => {
    await page.getByTestId("order-link").click()
    const [orderId] = await ordersOfCart(paid.dead.cartId)
    await page.waitForURL(new RegExp(`/app/orders/${orderId}$`))
    const widget = page.getByTestId("order-payment-webhooks")
    await widget.getByTestId("order-payment-webhook").first().waitFor()
    await expectText(widget, "payment_intent.amount_capturable_updated")
    await expectText(widget, "Processed")
    await widget.scrollIntoViewIfNeeded()
    await widget.screenshot({ path: path.join(SCREENSHOTS, "admin-order-payment-webhooks.png") })

    await widget.getByRole("link", { name: "payment_intent.amount_capturable_updated" }).first().click()
    await page.waitForURL(new RegExp(`/app/payment-webhooks/${paid.dead.rowId}$`))
    }))
})

/** Waits until the element's text contains `text` (the page renders asynchronously). */
async function expectText(locator: import("playwright-core").Locator, text: string): Promise<void> {
  await waitFor(async () => (await locator.first().innerText()).includes(text), { timeoutMs: UI_TIMEOUT_MS, what: `"${text}" on the page` })
}
