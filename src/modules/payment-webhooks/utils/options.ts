import { MedusaError } from "@medusajs/framework/utils"
import type { PaymentWebhooksOptions, ResolvedPaymentWebhooksOptions } from "../types"

const MINUTE = 60 * 1000
const DAY = 24 * 60 * MINUTE

const DEFAULTS: ResolvedPaymentWebhooksOptions = {
  maxBodyBytes: 1024 * 1024,
  maxAttempts: 8,
  retryBaseDelayMs: 5_000,
  retryMaxDelayMs: 60 * MINUTE,
  processingLeaseMs: 10_000,
  recoveryBatchSize: 50,
  recoveryConcurrency: 4,
  reconcile: true,
  reconcileAfterMs: 10 * MINUTE,
  reconcileWindowMs: 7 * DAY,
  reconcileBatchSize: 25,
  retentionDays: 30,
  redactPayloads: false,
}

const BOOLEAN_OPTIONS = new Set<keyof ResolvedPaymentWebhooksOptions>(["reconcile", "redactPayloads"])

/** Upper bound for `maxBodyBytes`: webhook bodies are small, anything bigger is a mistake or abuse. */
export const MAX_BODY_BYTES_CEILING = 16 * 1024 * 1024

/** Shortest `processingLeaseMs`: the heartbeat runs every third of it and must not flood the database. */
export const MIN_PROCESSING_LEASE_MS = 3_000

const invalid = (message: string) =>
  new MedusaError(MedusaError.Types.INVALID_DATA, `medusa-payment-webhooks: ${message}`)

/**
 * Applies defaults and validates the plugin's options, throwing a MedusaError that names the
 * offending option so a misconfiguration fails at start-up rather than on the first webhook.
 */
export function resolvePaymentWebhooksOptions(
  options: PaymentWebhooksOptions = {}
): ResolvedPaymentWebhooksOptions {
  const resolved: Record<string, number | boolean> = { ...DEFAULTS }
  for (const key of Object.keys(DEFAULTS) as (keyof ResolvedPaymentWebhooksOptions)[]) {
    const value = options[key]
    if (value === undefined) {
      continue
    }
    if (BOOLEAN_OPTIONS.has(key)) {
      if (typeof value !== "boolean") {
        throw invalid(`option \`${key}\` must be true or false, got ${JSON.stringify(value)}`)
      }
    } else if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      throw invalid(`option \`${key}\` must be a positive integer, got ${JSON.stringify(value)}`)
    }
    resolved[key] = value
  }
  const result = resolved as unknown as ResolvedPaymentWebhooksOptions
  if (result.maxBodyBytes > MAX_BODY_BYTES_CEILING) {
    throw invalid(`option \`maxBodyBytes\` must be at most ${MAX_BODY_BYTES_CEILING}`)
  }
  if (result.retryMaxDelayMs < result.retryBaseDelayMs) {
    throw invalid("option `retryMaxDelayMs` must not be smaller than `retryBaseDelayMs`")
  }
  if (result.processingLeaseMs < MIN_PROCESSING_LEASE_MS) {
    throw invalid(
      `option \`processingLeaseMs\` must be at least ${MIN_PROCESSING_LEASE_MS} (the heartbeat renews it every third), got ${result.processingLeaseMs}`
    )
  }
  if (result.reconcileWindowMs <= result.reconcileAfterMs) {
    throw invalid("option `reconcileWindowMs` must be larger than `reconcileAfterMs`")
  }
  return result
}
