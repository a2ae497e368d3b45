import { MedusaError } from "@medusajs/framework/utils"

/** Options of every Stripe provider in this plugin, as written in `medusa-config.ts`. */
export type StripeOptions = {
  /** Secret API key (`sk_...` or a restricted `rk_...`). */
  apiKey: string
  /**
   * Webhook signing secret(s) (`whsec_...`). Give a list while rotating: an event verifies when any of
   * them signed it, so the old secret can stay until Stripe stops using it.
   */
  webhookSecret: string | string[]
  /** Maximum age in seconds of a webhook's signed timestamp. Default 300, Stripe's own default. */
  webhookTolerance?: number
  /** `true` captures on confirmation (`capture_method: "automatic"`); default `false` (manual capture). */
  capture?: boolean
  /** Let Stripe choose the payment methods from the Dashboard settings (`automatic_payment_methods`). */
  automaticPaymentMethods?: boolean
  /** Description put on every PaymentIntent unless the session data carries `payment_description`. */
  paymentDescription?: string
  /** Days before an OXXO voucher expires, 1 to 7. Default 3. */
  oxxoExpiresDays?: number
  /** API host; set with `apiPort`/`apiProtocol` to point the SDK at an offline simulator. */
  apiHost?: string
  /** API port. */
  apiPort?: number
  /** API protocol. */
  apiProtocol?: "http" | "https"
  /** Retries the SDK makes on network errors and 409/5xx answers, reusing the idempotency key. Default 2. */
  maxNetworkRetries?: number
  /** Milliseconds before a Stripe API request is abandoned (and retried). Default 80000, the SDK's. */
  apiTimeoutMs?: number
}

/** {@link StripeOptions} with defaults applied and the webhook secrets always a list. */
export type ResolvedStripeOptions = Omit<
  StripeOptions,
  "webhookSecret" | "webhookTolerance" | "capture" | "oxxoExpiresDays" | "maxNetworkRetries" | "apiTimeoutMs"
> & {
  webhookSecrets: string[]
  webhookTolerance: number
  capture: boolean
  oxxoExpiresDays: number
  maxNetworkRetries: number
  apiTimeoutMs: number
}

/** Stripe's default webhook tolerance, in seconds. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === "string" && value.trim().length > 0

const isOptional =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || check(value)

const isIntegerBetween =
  (min: number, max: number) =>
  (value: unknown): boolean =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max

/** One rule per option: the check and what the option must be, for the error message. */
const OPTION_RULES: Record<keyof StripeOptions, [check: (value: unknown) => boolean, expected: string]> = {
  apiKey: [isNonEmptyString, "is required (a Stripe secret key)"],
  webhookSecret: [
    (value) =>
      isNonEmptyString(value) ||
      (Array.isArray(value) && value.length > 0 && value.every(isNonEmptyString)),
    "is required (string or list of strings)",
  ],
  webhookTolerance: [
    isOptional((value) => typeof value === "number" && Number.isFinite(value) && value > 0),
    "must be a positive number of seconds",
  ],
  capture: [isOptional((value) => typeof value === "boolean"), "must be a boolean"],
  automaticPaymentMethods: [isOptional((value) => typeof value === "boolean"), "must be a boolean"],
  paymentDescription: [isOptional((value) => typeof value === "string"), "must be a string"],
  oxxoExpiresDays: [isOptional(isIntegerBetween(1, 7)), "must be a whole number of days from 1 to 7"],
  apiHost: [isOptional(isNonEmptyString), "must be a host name"],
  apiPort: [isOptional(isIntegerBetween(1, 65535)), "must be a port number"],
  apiProtocol: [isOptional((value) => value === "http" || value === "https"), 'must be "http" or "https"'],
  maxNetworkRetries: [isOptional(isIntegerBetween(0, 10)), "must be a whole number from 0 to 10"],
  apiTimeoutMs: [isOptional(isIntegerBetween(100, 600_000)), "must be a whole number of milliseconds from 100 to 600000"],
}

/**
 * Checks the options given in `medusa-config.ts` and throws a `MedusaError` (INVALID_DATA) naming the
 * first option that is wrong. Never echoes option values: they include secrets.
 */
export function validateStripeOptions(options: Record<string, unknown>): asserts options is StripeOptions {
  for (const [name, [check, expected]] of Object.entries(OPTION_RULES)) {
    if (!check(options[name])) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `stripe provider: option \`${name}\` ${expected}`
      )
    }
  }
}

/** Validates the options and applies the defaults. */
export function resolveStripeOptions(options: Record<string, unknown>): ResolvedStripeOptions {
  validateStripeOptions(options)
  const { webhookSecret, ...rest } = options
  return {
    ...rest,
    webhookSecrets: Array.isArray(webhookSecret) ? webhookSecret : [webhookSecret],
    webhookTolerance: options.webhookTolerance ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
    capture: options.capture ?? false,
    oxxoExpiresDays: options.oxxoExpiresDays ?? 3,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    apiTimeoutMs: options.apiTimeoutMs ?? 80_000,
  }
}
