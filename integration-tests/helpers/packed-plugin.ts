import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { ROOT } from "./child-app"

/**
 * The plugin as a shop gets it: built, packed with `npm pack`, installed from the tarball into a
 * separate Medusa app. Shared by the packaging spec (which installs into an app that borrows this
 * checkout's Medusa) and `npm run test:compat` (an app with its own Medusa of a given version).
 */

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string
  version: string
  exports: Record<string, string | Record<string, string>>
  devDependencies: Record<string, string>
  peerDependencies: Record<string, string>
  allowScripts: Record<string, boolean>
}

/** The plugin's package name, as a consumer installs and imports it. */
export const PLUGIN_NAME = PACKAGE.name

/** The plugin's package.json: versions, exports, peer range. */
export const PLUGIN_PACKAGE = PACKAGE

/** The Stripe webhook secret the consumer app's provider verifies with. */
export const CONSUMER_WEBHOOK_SECRET = "whsec_packaging"

/** Runs a command to completion; rejects with the tail of its output when it exits non-zero. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ""
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    child.stdout?.on("data", (chunk) => (output += chunk))
    child.stderr?.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`))
    )
  })
}

/** The environment for npm in a consumer app: no jest or Medusa flags of this process. */
function npmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: "", NODE_ENV: "" }
}

/**
 * `npm run build` (plugin build and declarations), then `npm pack` into `destination`. Returns the
 * tarball's path and the list of files it holds.
 */
export async function packPlugin(destination: string): Promise<{ tarball: string; files: string[] }> {
  await run("npm", ["run", "build"], ROOT, npmEnv())
  fs.mkdirSync(destination, { recursive: true })
  const output = await run("npm", ["pack", "--json", "--pack-destination", destination], ROOT, npmEnv())
  const [packed] = JSON.parse(output.slice(output.indexOf("["))) as [{ filename: string; files: { path: string }[] }]
  return { tarball: path.join(destination, packed.filename), files: packed.files.map((file) => file.path) }
}

/** Each `exports` entry's `types` file, with `*` patterns taken as the plugin's one module/provider. */
export function declarationFilesOfExports(): string[] {
  const patternValues: Record<string, string> = { "./modules/*": "payment-webhooks", "./.medusa/server/src/modules/*": "payment-webhooks", "./providers/*": "stripe" }
  const files = Object.entries(PACKAGE.exports).flatMap(([subpath, target]) => {
    if (typeof target === "string" || !target.types || subpath === "./*") {
      return []
    }
    return [target.types.replace("*", patternValues[subpath] ?? "*").replace(/^\.\//, "")]
  })
  return [...new Set(files)]
}

/**
 * What is wrong with a packed file list: a declaration of an export that is missing, or a file a
 * shop does not need (tests, node_modules, database folders, repository tooling). Empty when fine.
 */
export function packedFileProblems(files: string[]): string[] {
  const missing = declarationFilesOfExports()
    .filter((file) => !files.includes(file))
    .map((file) => `missing declaration ${file}`)
  const forbidden = files
    .filter((file) =>
      /(^|\/)(__tests__|node_modules|integration-tests|\.data|tmp|bench|scripts|postgres|pg_wal)(\/|$)|\.spec\.|PG_VERSION/.test(file)
    )
    .map((file) => `should not be packed: ${file}`)
  return [...missing, ...forbidden]
}

/**
 * A TypeScript file a shop might write: it imports every public entry point and uses its main types
 * (plugin and provider options, the testing kit, a workflow's input). The `@ts-expect-error` lines
 * fail the check if a type arrives as `any`.
 */
const CONSUMER_SOURCE = `import { PAYMENT_WEBHOOKS_MODULE, PaymentWebhookEvents, type PaymentWebhooksOptions, type PaymentWebhookEventDTO } from "${PLUGIN_NAME}"
import stripeProviders, { StripeProviderService, type StripeOptions } from "${PLUGIN_NAME}/providers/stripe"
import { signStripePayload, startStripeSimulator, type StripeSimulator } from "${PLUGIN_NAME}/testing"
import { processPaymentWebhookWorkflow, type ProcessPaymentWebhookInput } from "${PLUGIN_NAME}/workflows"
import inboxModule, { PaymentWebhooksModuleService } from "${PLUGIN_NAME}/modules/payment-webhooks"

export const pluginOptions: PaymentWebhooksOptions = { maxBodyBytes: 65536, retentionDays: 30 }
export const stripeOptions: StripeOptions = { apiKey: "sk_test_consumer", webhookSecret: ["whsec_consumer"], capture: false }
export const input: ProcessPaymentWebhookInput = { event_id: "pwhevt_1", token: 1 }
export const moduleKey: string = PAYMENT_WEBHOOKS_MODULE
export const receivedEvent: string = PaymentWebhookEvents.RECEIVED
export const workflowId: string = processPaymentWebhookWorkflow.getName()
export const registered = [stripeProviders, inboxModule, StripeProviderService.identifier, PaymentWebhooksModuleService.name]

export async function simulate(): Promise<string> {
  const simulator: StripeSimulator = await startStripeSimulator({ port: 0 })
  const header: string = signStripePayload("{}", "whsec_consumer")
  await simulator.stop()
  return header
}

export function status(row: PaymentWebhookEventDTO): string {
  return row.status
}

// @ts-expect-error apiKey is a string
export const wrongStripeOptions: StripeOptions = { apiKey: 42, webhookSecret: "whsec_consumer" }
// @ts-expect-error the workflow input needs the row's fencing token
export const wrongInput: ProcessPaymentWebhookInput = { event_id: "pwhevt_1" }
`

/**
 * The consumer app's `tsconfig.json`: a Medusa app's module settings, under `strict`. The medusa CLI
 * runs TypeScript scripts through ts-node, which only needs to transpile them.
 */
const CONSUMER_TSCONFIG = {
  "ts-node": { transpileOnly: true },
  compilerOptions: {
    target: "ES2021",
    module: "Node16",
    moduleResolution: "Node16",
    esModuleInterop: true,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["src/uses-plugin-types.ts"],
}

/**
 * Writes a minimal Medusa app into `dir`: package.json with `dependencies` (and the install-script
 * approvals this repository has), `medusa-config.js` listing the plugin and its Stripe providers
 * (pointed at a Stripe simulator through STRIPE_API_HOST/PORT when set), and the TypeScript file
 * that checks the shipped types.
 */
export function writeConsumerApp(dir: string, dependencies: Record<string, string>, devDependencies: Record<string, string> = {}): void {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, "src"), { recursive: true })
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      { name: "consumer-app", private: true, version: "0.0.0", dependencies, devDependencies, allowScripts: PACKAGE.allowScripts },
      null,
      2
    )
  )
  fs.writeFileSync(
    path.join(dir, "medusa-config.js"),
    `const { defineConfig, Modules } = require("@medusajs/framework/utils")

const simulator = process.env.STRIPE_API_HOST
  ? { apiHost: process.env.STRIPE_API_HOST, apiPort: Number(process.env.STRIPE_API_PORT), apiProtocol: "http" }
  : {}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: { jwtSecret: "test", cookieSecret: "test", storeCors: "*", adminCors: "*", authCors: "*" },
  },
  admin: { disable: true },
  plugins: [{ resolve: "${PLUGIN_NAME}", options: { maxBodyBytes: 65536 } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      key: Modules.PAYMENT,
      options: {
        providers: [
          {
            resolve: "${PLUGIN_NAME}/providers/stripe",
            id: "stripe",
            options: { apiKey: process.env.STRIPE_API_KEY || "sk_test_packaging", webhookSecret: "${CONSUMER_WEBHOOK_SECRET}", ...simulator },
          },
        ],
      },
    },
  ],
})
`
  )
  fs.writeFileSync(path.join(dir, "src", "uses-plugin-types.ts"), CONSUMER_SOURCE)
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG, null, 2))
}

/**
 * Lists packages in the consumer app's package.json without installing them: for an app that borrows
 * this checkout's node_modules (the medusa CLI only runs in a project that depends on Medusa).
 */
export function declareDependencies(dir: string, dependencies: Record<string, string>): void {
  const file = path.join(dir, "package.json")
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"))
  manifest.dependencies = { ...manifest.dependencies, ...dependencies }
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2))
}

/** `npm install` in the consumer app, with extra arguments (a tarball, `--legacy-peer-deps`). */
export function npmInstall(dir: string, args: string[] = []): Promise<string> {
  return run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...args], dir, npmEnv())
}

/** `tsc -p` of the consumer app (strict): rejects with the compiler's errors. `tsc` is this checkout's unless given. */
export function typeCheckConsumer(dir: string, tsc = path.join(ROOT, "node_modules", ".bin", "tsc")): Promise<string> {
  return run(tsc, ["-p", path.join(dir, "tsconfig.json")], dir, npmEnv())
}
