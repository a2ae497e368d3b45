import { HttpClientException } from "@adyen/api-library"
import { MedusaError } from "@medusajs/framework/utils"
import { retryLater } from "../kit/errors"

/** API keys and HMAC keys: never part of an error message. */
const SECRET_PATTERN = /\bAQE[A-Za-z0-9+/=_.-]{20,}|\b[0-9A-Fa-f]{64}\b/g

function medusaErrorType(statusCode: number | undefined): string {
  if (statusCode === 404) {
    return MedusaError.Types.NOT_FOUND
  }
  if (statusCode === 409 || statusCode === 412) {
    return MedusaError.Types.CONFLICT
  }
  if (statusCode === 400 || statusCode === 422) {
    return MedusaError.Types.INVALID_DATA
  }
  // 401/403 (our key), 429 and 5xx (Adyen's availability), network errors: never the caller's input.
  return MedusaError.Types.UNEXPECTED_STATE
}

/**
 * Wraps whatever an Adyen call threw in a `MedusaError` of the matching type, with a message naming
 * the operation, Adyen's status, error code and message, and no secrets. A MedusaError comes back as it is.
 */
export function toMedusaError(operation: string, error: unknown): MedusaError {
  if (error instanceof MedusaError) {
    return error
  }
  if (error instanceof HttpClientException) {
    const details = [`status ${error.statusCode}`, error.errorCode && `code ${error.errorCode}`].filter(Boolean)
    const reason = error.apiError?.message ?? error.message
    return new MedusaError(
      medusaErrorType(error.statusCode),
      `adyen provider: ${operation} failed: ${reason} (${details.join(", ")})`.replace(SECRET_PATTERN, "[redacted]")
    )
  }
  // Network errors and timeouts: Adyen could not be reached.
  const reason = error instanceof Error ? error.message : String(error)
  return retryLater(`adyen provider: ${operation} failed: ${reason}`.replace(SECRET_PATTERN, "[redacted]"))
}
