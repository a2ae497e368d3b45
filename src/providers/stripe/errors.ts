import { MedusaError } from "@medusajs/framework/utils"
import Stripe from "stripe"

/** Stripe error codes the provider treats as "already done" rather than as failures. */
export const STRIPE_ERROR_CODES = {
  intentUnexpectedState: "payment_intent_unexpected_state",
  chargeAlreadyRefunded: "charge_already_refunded",
} as const

/** Keys, webhook secrets and client secrets: never part of an error message. */
const SECRET_PATTERN = /\b(?:(?:sk|rk|pk)_(?:test|live)|whsec)_[A-Za-z0-9*]+|_secret_[A-Za-z0-9*]+/g

/** Replaces anything that looks like a Stripe secret with `[redacted]`. */
function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, "[redacted]")
}

/** Whether `error` is a Stripe API error, optionally with the given `code`. */
export function isStripeError(error: unknown, code?: string): error is Stripe.errors.StripeError {
  return error instanceof Stripe.errors.StripeError && (code === undefined || error.code === code)
}

function medusaErrorType(error: Stripe.errors.StripeError): string {
  switch (error.type) {
    case "StripeCardError":
      return MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR
    case "StripeInvalidRequestError":
      if (error.statusCode === 404) {
        return MedusaError.Types.NOT_FOUND
      }
      return error.code === STRIPE_ERROR_CODES.intentUnexpectedState
        ? MedusaError.Types.NOT_ALLOWED
        : MedusaError.Types.INVALID_DATA
    case "StripeIdempotencyError":
      return MedusaError.Types.CONFLICT
    default:
      // Authentication, permission, rate limit, connection and API errors: our configuration or
      // Stripe's availability, never the caller's input.
      return MedusaError.Types.UNEXPECTED_STATE
  }
}

/**
 * Wraps whatever a Stripe call threw in a `MedusaError` of the matching type, with a message naming the
 * operation, Stripe's reason, code and request id, and no secrets. A MedusaError - thrown as such, or the
 * refusal of the fenced HTTP client (`fenced-http-client.ts`) - comes back as it is.
 */
export function toMedusaError(operation: string, error: unknown): MedusaError {
  if (error instanceof MedusaError) {
    return error
  }
  // A request the fenced HTTP client refused (the worker lost its inbox row) reaches us wrapped by the
  // SDK as a connection error; the refusal itself is what the caller must see.
  const cause = error instanceof Stripe.errors.StripeConnectionError ? (error as { detail?: unknown }).detail : undefined
  if (cause instanceof MedusaError) {
    return cause
  }
  if (!isStripeError(error)) {
    const reason = error instanceof Error ? error.message : String(error)
    return new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      redactSecrets(`stripe provider: ${operation} failed: ${reason}`)
    )
  }
  const details = [
    error.code && `code ${error.code}`,
    error.decline_code && `decline ${error.decline_code}`,
    error.requestId && `request ${error.requestId}`,
  ].filter(Boolean)
  return new MedusaError(
    medusaErrorType(error),
    redactSecrets(
      `stripe provider: ${operation} failed: ${error.message}${details.length ? ` (${details.join(", ")})` : ""}`
    )
  )
}
