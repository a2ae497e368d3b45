import { MedusaError } from "@medusajs/framework/utils"

/** What the webhook route makes of an error thrown while a delivery is verified and mapped. */
export type WebhookErrorKind = "invalid_signature" | "invalid_payload" | "retry"

/** Error types of SDK verifiers that providers may let through unchanged. */
const SIGNATURE_ERROR_TYPES: ReadonlySet<string> = new Set(["StripeSignatureVerificationError"])

/**
 * The error a provider throws for a delivery whose signature does not verify (missing, forged,
 * expired, signed by no configured secret): the route answers `400 invalid_signature` and stores
 * nothing. `reason` is shown to the sender; never put a secret or a signature in it.
 */
export function invalidSignature(reason: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `invalid_signature: ${reason}`)
}

/**
 * The error a provider throws for a delivery that is not an event it understands (not JSON, a body
 * of the wrong shape): the route answers `400 invalid_payload` and stores nothing.
 */
export function invalidPayload(reason: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `invalid_payload: ${reason}`)
}

/**
 * The error for a failure that says nothing about the delivery or the caller's input: the provider's
 * API is down or timed out, a rate limit, a configuration problem. At acknowledgement the route
 * answers 503 (the provider delivers again); during processing the row is retried with backoff.
 */
export function retryLater(reason: string): MedusaError {
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, reason)
}

/**
 * The error `authorizePayment` must throw when the provider declined the payment (a refused card,
 * failed 3-D Secure). Medusa's `POST /store/carts/:id/complete` answers it with
 * `200 { type: "cart", cart, error }`, which is how a storefront knows to ask for another payment
 * method; returning a status `error` instead makes Medusa answer `400 not_allowed`.
 */
export function paymentDeclined(reason: string): MedusaError {
  return new MedusaError(MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR, reason)
}

/**
 * What the webhook route makes of an error a provider threw while verifying and mapping a delivery:
 * `invalid_payload` (a message starting `invalid_payload:`, or a body that is not JSON) and
 * `invalid_signature` (a message starting `invalid_signature:`, or an SDK's signature error) refuse
 * it with 400; anything else happened after, or apart from, verification and is `retry` (503, the
 * provider delivers again rather than dropping a delivery that may be genuine).
 */
export function webhookErrorKind(error: unknown): WebhookErrorKind {
  const err = error as { message?: unknown; type?: unknown } | null
  const message = String(err?.message ?? "")
  if (message.startsWith("invalid_payload") || error instanceof SyntaxError) {
    return "invalid_payload"
  }
  if (message.startsWith("invalid_signature") || SIGNATURE_ERROR_TYPES.has(String(err?.type))) {
    return "invalid_signature"
  }
  return "retry"
}

/**
 * MedusaError types that say the input can never succeed as it is: retrying the same call is
 * pointless. Everything else (UNEXPECTED_STATE, DB_ERROR, CONFLICT, an error that is not a
 * MedusaError) may succeed later.
 */
const BAD_INPUT_TYPES: ReadonlySet<string> = new Set([
  MedusaError.Types.INVALID_DATA,
  MedusaError.Types.INVALID_ARGUMENT,
  MedusaError.Types.NOT_FOUND,
  MedusaError.Types.NOT_ALLOWED,
  MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
  MedusaError.Types.PAYMENT_REQUIRES_MORE_ERROR,
])

/**
 * Whether a provider call failed because of its input (a MedusaError of a type no retry fixes), as
 * opposed to a transient failure worth retrying. Processing gives the money back only after such
 * errors from cart completion; it retries every other one.
 */
export function isBadInputError(error: unknown): boolean {
  return error instanceof MedusaError && BAD_INPUT_TYPES.has(error.type)
}

/** The `message` of an error with a leading `invalid_signature: ` / `invalid_payload: ` removed. */
export function webhookErrorReason(error: unknown): string {
  return String((error as { message?: unknown } | null)?.message ?? "").replace(/^invalid_(?:signature|payload):\s*/, "")
}
