import { MedusaError } from "@medusajs/framework/utils"

/** Options of the Adyen provider, as written in `medusa-config.ts`. */
export type AdyenOptions = {
  /** Checkout API key (Customer Area: Developers > API credentials). */
  apiKey: string
  /** The merchant account payments are made on; notifications of other accounts are not acted on. */
  merchantAccount: string
  /** HMAC key(s) of the webhook (hex), or a list while rotating: an item verifies when any of them signed it. */
  hmacKey: string | string[]
  /** Where the shopper returns after a redirect (3-D Secure, bank pages); a session may override it. */
  returnUrl: string
  /** `TEST` (default) or `LIVE`. */
  environment?: "TEST" | "LIVE"
  /** Your live endpoint prefix (Customer Area: Developers > API URLs); required with `LIVE`. */
  liveEndpointUrlPrefix?: string
  /** `true` captures automatically; default `false` (authorize now, capture from Medusa). */
  capture?: boolean
  /** Base URL of another Checkout API (an offline simulator), e.g. `http://localhost:12112/v72`. */
  checkoutEndpoint?: string
  /** Milliseconds before an API request is abandoned. Default 30000. */
  apiTimeoutMs?: number
}

/** {@link AdyenOptions} with defaults applied and the HMAC keys always a list. */
export type ResolvedAdyenOptions = Omit<AdyenOptions, "hmacKey" | "environment" | "capture" | "apiTimeoutMs"> & {
  hmacKeys: string[]
  environment: "TEST" | "LIVE"
  capture: boolean
  apiTimeoutMs: number
}

const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.trim().length > 0
const isHexKey = (value: unknown): boolean => isNonEmptyString(value) && /^(?:[0-9a-fA-F]{2})+$/.test(value)
const isOptional =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || check(value)
const isUrl = (value: unknown): boolean => {
  if (!isNonEmptyString(value)) {
    return false
  }
  try {
    return ["http:", "https:"].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/** One rule per option: the check and what the option must be, for the error message. */
const OPTION_RULES: Record<keyof AdyenOptions, [check: (value: unknown) => boolean, expected: string]> = {
  apiKey: [isNonEmptyString, "is required (an Adyen API key)"],
  merchantAccount: [isNonEmptyString, "is required (the merchant account code)"],
  hmacKey: [
    (value) => isHexKey(value) || (Array.isArray(value) && value.length > 0 && value.every(isHexKey)),
    "is required (a hex HMAC key or a list of them)",
  ],
  returnUrl: [isUrl, "is required (an http(s) URL)"],
  environment: [isOptional((value) => value === "TEST" || value === "LIVE"), 'must be "TEST" or "LIVE"'],
  liveEndpointUrlPrefix: [isOptional(isNonEmptyString), "must be a non-empty string"],
  capture: [isOptional((value) => typeof value === "boolean"), "must be a boolean"],
  checkoutEndpoint: [isOptional(isUrl), "must be an http(s) URL"],
  apiTimeoutMs: [
    isOptional((value) => Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 600_000),
    "must be a whole number of milliseconds from 100 to 600000",
  ],
}

/**
 * Checks the options given in `medusa-config.ts` and throws a `MedusaError` (INVALID_DATA) naming the
 * first option that is wrong. Never echoes option values: they include secrets.
 */
export function validateAdyenOptions(options: Record<string, unknown>): asserts options is AdyenOptions {
  for (const [name, [check, expected]] of Object.entries(OPTION_RULES)) {
    if (!check(options[name])) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `adyen provider: option \`${name}\` ${expected}`)
    }
  }
  if (options.environment === "LIVE" && !options.liveEndpointUrlPrefix && !options.checkoutEndpoint) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "adyen provider: option `liveEndpointUrlPrefix` is required when `environment` is LIVE"
    )
  }
}

/** Validates the options and applies the defaults. */
export function resolveAdyenOptions(options: Record<string, unknown>): ResolvedAdyenOptions {
  validateAdyenOptions(options)
  const { hmacKey, ...rest } = options
  return {
    ...rest,
    hmacKeys: Array.isArray(hmacKey) ? hmacKey : [hmacKey],
    environment: options.environment ?? "TEST",
    capture: options.capture ?? false,
    apiTimeoutMs: options.apiTimeoutMs ?? 30_000,
  }
}
