import { MedusaError } from "@medusajs/framework/utils"
import type { PaymentWebhooksOptions, ResolvedPaymentWebhooksOptions } from "../types"

const DEFAULTS: ResolvedPaymentWebhooksOptions = {
  maxBodyBytes: 1024 * 1024,
  maxAttempts: 8,
  retryBaseDelayMs: 5_000,
  retryMaxDelayMs: 60 * 60 * 1000,
  processingLeaseMs: 2 * 60 * 1000,
  recoveryBatchSize: 50,
}

/** Upper bound for `maxBodyBytes`: webhook bodies are small, anything bigger is a mistake or abuse. */
export const MAX_BODY_BYTES_CEILING = 16 * 1024 * 1024

/**
 * Applies defaults and validates the plugin's options, throwing a MedusaError that names the
 * offending option so a misconfiguration fails at start-up rather than on the first webhook.
 */
export function resolvePaymentWebhooksOptions(
  options: PaymentWebhooksOptions = {}
): ResolvedPaymentWebhooksOptions {
  const resolved = { ...DEFAULTS }
  for (const key of Object.keys(DEFAULTS) as (keyof ResolvedPaymentWebhooksOptions)[]) {
    const value = options[key]
    if (value === undefined) {
      continue
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `medusa-payment-webhooks: option \`${key}\` must be a positive integer, got ${JSON.stringify(value)}`
      )
    }
    resolved[key] = value
  }
  if (resolved.maxBodyBytes > MAX_BODY_BYTES_CEILING) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `medusa-payment-webhooks: option \`maxBodyBytes\` must be at most ${MAX_BODY_BYTES_CEILING}`
    )
  }
  if (resolved.retryMaxDelayMs < resolved.retryBaseDelayMs) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "medusa-payment-webhooks: option `retryMaxDelayMs` must not be smaller than `retryBaseDelayMs`"
    )
  }
  return resolved
}
