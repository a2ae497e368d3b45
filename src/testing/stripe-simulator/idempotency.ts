import { StripeApiError } from "./errors"
import type { FormObject, FormValue } from "./form"

/** An answer as it was sent, so a replay is byte-for-byte the same. */
export interface StoredResponse {
  status: number
  body: string
}

/**
 * Stripe's idempotency: the first answer to a key is kept and replayed for the same request; the key used for a
 * different endpoint or different parameters is a 400 `idempotency_error`.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { endpoint: string; fingerprint: string; response: StoredResponse }>()

  /** The stored answer for `key`, or undefined when the key is new. */
  replay(key: string, endpoint: string, params: FormObject): StoredResponse | undefined {
    const entry = this.entries.get(key)
    if (!entry) {
      return undefined
    }
    if (entry.endpoint !== endpoint) {
      throw mismatch(
        key,
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ` +
          `('${entry.endpoint}' vs '${endpoint}').`
      )
    }
    if (entry.fingerprint !== canonicalJson(params)) {
      throw mismatch(
        key,
        "Keys for idempotent requests can only be used with the same parameters they were first used with."
      )
    }
    return entry.response
  }

  /** Keeps the answer to the first request made with `key`. */
  remember(key: string, endpoint: string, params: FormObject, response: StoredResponse): void {
    this.entries.set(key, { endpoint, fingerprint: canonicalJson(params), response })
  }
}

function mismatch(key: string, reason: string): StripeApiError {
  return new StripeApiError(400, {
    type: "idempotency_error",
    message: `${reason} Try using a key other than '${key}' if you meant to execute a different request.`,
  })
}

function canonicalJson(value: FormValue): string {
  if (typeof value === "string") {
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`
  }
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`
}
