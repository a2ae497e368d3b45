import path from "node:path"
import { defineConfig, loadEnv, Modules } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

/**
 * The dev/demo app. This checkout is both the plugin and an app that runs it: Medusa loads `src/`
 * (routes, subscribers, jobs, workflows) as the project, the inbox module is registered below with
 * the plugin's options, and the Payment Module gets our Stripe provider family and Adyen provider.
 *
 * Without a real `STRIPE_API_KEY`, the providers talk to the offline Stripe simulator
 * (`npm run dev` starts it on STRIPE_SIM_PORT, default 12111).
 */
const stripeApiKey = process.env.STRIPE_API_KEY || "sk_test_local"
const useSimulator = stripeApiKey === "sk_test_local" || !!process.env.STRIPE_API_HOST

const stripeOptions = {
  apiKey: stripeApiKey,
  webhookSecret: (process.env.STRIPE_WEBHOOK_SECRET || "whsec_local_development_secret")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean),
  capture: process.env.STRIPE_CAPTURE === "true",
  ...(process.env.STRIPE_API_TIMEOUT_MS ? { apiTimeoutMs: Number(process.env.STRIPE_API_TIMEOUT_MS) } : {}),
  ...(useSimulator
    ? {
        apiHost: process.env.STRIPE_API_HOST || "localhost",
        apiPort: Number(process.env.STRIPE_API_PORT || process.env.STRIPE_SIM_PORT || 12111),
        apiProtocol: (process.env.STRIPE_API_PROTOCOL || "http") as "http" | "https",
      }
    : {}),
}

/**
 * The Adyen provider. Without a real `ADYEN_API_KEY` it talks to the offline Adyen simulator
 * (ADYEN_SIM_PORT, default 12112); the defaults are the simulator's.
 */
const adyenApiKey = process.env.ADYEN_API_KEY || "adyen_test_local"
const adyenOptions = {
  apiKey: adyenApiKey,
  merchantAccount: process.env.ADYEN_MERCHANT_ACCOUNT || "MedusaTestECOM",
  hmacKey: (process.env.ADYEN_HMAC_KEY || "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean),
  returnUrl: process.env.ADYEN_RETURN_URL || "http://localhost:8000/checkout",
  capture: process.env.ADYEN_CAPTURE === "true",
  ...(process.env.ADYEN_CHECKOUT_ENDPOINT || adyenApiKey === "adyen_test_local"
    ? {
        checkoutEndpoint:
          process.env.ADYEN_CHECKOUT_ENDPOINT || `http://127.0.0.1:${process.env.ADYEN_SIM_PORT || 12112}/v72`,
      }
    : {}),
}

/**
 * Optionally, Medusa's own Stripe provider beside ours (as `pp_stripe_medusa`), to see that providers
 * which report no event id still go through the plugin's route, deduplicated by body hash.
 */
const medusaStripeProvider = process.env.MEDUSA_STRIPE_WEBHOOK_SECRET
  ? [
      {
        resolve: "@medusajs/medusa/payment-stripe",
        id: "medusa",
        options: { apiKey: stripeApiKey, webhookSecret: process.env.MEDUSA_STRIPE_WEBHOOK_SECRET },
      },
    ]
  : []

/**
 * Tests only: a provider whose webhooks come in signed batches (integration-tests/helpers/batch-provider).
 */
const batchTestProvider = process.env.PAYMENT_WEBHOOKS_TEST_BATCH_SECRET
  ? [
      {
        // Outside src/: Medusa reads "./" paths as relative to src/, so the path is absolute.
        resolve: path.join(__dirname, "integration-tests/helpers/batch-provider"),
        id: "batch",
        options: { secrets: [process.env.PAYMENT_WEBHOOKS_TEST_BATCH_SECRET] },
      },
    ]
  : []

/**
 * Scale-out: with REDIS_URL, Medusa's own distributed modules replace the in-process ones, so several
 * server and worker processes (MEDUSA_WORKER_MODE) share events, locks and workflow state.
 */
const redisUrl = process.env.REDIS_URL
const redisModules = redisUrl
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", key: Modules.EVENT_BUS, options: { redisUrl } },
      { resolve: "@medusajs/medusa/workflow-engine-redis", key: Modules.WORKFLOW_ENGINE, options: { redis: { redisUrl } } },
      {
        resolve: "@medusajs/medusa/locking",
        key: Modules.LOCKING,
        options: {
          providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } }],
        },
      },
      { resolve: "@medusajs/medusa/cache-redis", key: Modules.CACHE, options: { redisUrl } },
    ]
  : []

/** The plugin's options; the PAYMENT_WEBHOOKS_* variables let tests and operators tune them. */
const numericOption = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined)
const booleanOption = (name: string) => (process.env[name] ? process.env[name] !== "false" : undefined)
const paymentWebhooksOptions = {
  maxBodyBytes: numericOption("PAYMENT_WEBHOOKS_MAX_BODY_BYTES"),
  maxAttempts: numericOption("PAYMENT_WEBHOOKS_MAX_ATTEMPTS"),
  retryBaseDelayMs: numericOption("PAYMENT_WEBHOOKS_RETRY_BASE_DELAY_MS"),
  retryMaxDelayMs: numericOption("PAYMENT_WEBHOOKS_RETRY_MAX_DELAY_MS"),
  processingLeaseMs: numericOption("PAYMENT_WEBHOOKS_PROCESSING_LEASE_MS"),
  recoveryConcurrency: numericOption("PAYMENT_WEBHOOKS_RECOVERY_CONCURRENCY"),
  reconcile: booleanOption("PAYMENT_WEBHOOKS_RECONCILE"),
  reconcileAfterMs: numericOption("PAYMENT_WEBHOOKS_RECONCILE_AFTER_MS"),
  reconcileWindowMs: numericOption("PAYMENT_WEBHOOKS_RECONCILE_WINDOW_MS"),
  reconcileBatchSize: numericOption("PAYMENT_WEBHOOKS_RECONCILE_BATCH_SIZE"),
  retentionDays: numericOption("PAYMENT_WEBHOOKS_RETENTION_DAYS"),
  redactPayloads: booleanOption("PAYMENT_WEBHOOKS_REDACT_PAYLOADS"),
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    redisUrl,
    workerMode: (process.env.MEDUSA_WORKER_MODE as "shared" | "worker" | "server") || "shared",
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:9000,http://localhost:5173",
      authCors: process.env.AUTH_CORS || "http://localhost:8000,http://localhost:9000,http://localhost:5173",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: {
    disable: process.env.MEDUSA_ADMIN_DISABLED === "true",
  },
  modules: [
    ...redisModules,
    {
      resolve: "./src/modules/payment-webhooks",
      options: paymentWebhooksOptions,
    },
    {
      resolve: "@medusajs/medusa/payment",
      key: Modules.PAYMENT,
      options: {
        providers: [
          {
            resolve: "./src/providers/stripe",
            id: "stripe",
            options: stripeOptions,
          },
          {
            resolve: "./src/providers/adyen",
            id: "adyen",
            options: adyenOptions,
          },
          ...medusaStripeProvider,
          ...batchTestProvider,
        ],
      },
    },
  ],
})
