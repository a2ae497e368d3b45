import type Stripe from "stripe"
import { invalidPayload, invalidSignature } from "../kit/errors"

/** Name of the header Stripe signs webhooks with. */
export const STRIPE_SIGNATURE_HEADER = "stripe-signature"

/**
 * Reads the `stripe-signature` header from request headers, whatever their case. A header repeated
 * into a list is returned as the list so that verification can refuse it.
 */
export function signatureHeaderFrom(headers: Record<string, unknown> | undefined): unknown {
  const name = Object.keys(headers ?? {}).find((key) => key.toLowerCase() === STRIPE_SIGNATURE_HEADER)
  return name === undefined ? undefined : headers?.[name]
}

/**
 * Verifies a Stripe webhook with the SDK's own verifier (`stripe.webhooks.constructEvent`), trying each
 * configured secret in turn so that secrets can be rotated, and returns the event.
 *
 * Throws a `MedusaError` (INVALID_DATA) whose message starts with `invalid_signature:` when the header is
 * missing or malformed, no secret signed the body, or the signed timestamp is older than
 * `toleranceSeconds`; and with `invalid_payload:` when the body is missing or is not a Stripe event.
 */
export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: string | Buffer | null | undefined,
  signatureHeader: unknown,
  secrets: string[],
  toleranceSeconds: number
): Stripe.Event {
  if (rawBody === null || rawBody === undefined || rawBody.length === 0) {
    throw invalidPayload("the raw request body is missing; the webhook route must keep it unparsed")
  }
  if (typeof signatureHeader !== "string" || signatureHeader.length === 0) {
    throw invalidSignature(
      Array.isArray(signatureHeader)
        ? `more than one ${STRIPE_SIGNATURE_HEADER} header`
        : `missing ${STRIPE_SIGNATURE_HEADER} header`
    )
  }

  const failures: string[] = []
  for (const secret of secrets) {
    let event: unknown
    try {
      event = stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds)
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw invalidPayload("the signed body is not JSON")
      }
      failures.push((error as Error).message)
      continue
    }
    if (!isStripeEvent(event)) {
      throw invalidPayload("the signed body is not a Stripe event")
    }
    return event
  }

  // The SDK reports an expired timestamp only once a signature matched, so it is the more useful reason.
  throw invalidSignature(
    failures.some((message) => message.includes("tolerance"))
      ? `timestamp outside the tolerance of ${toleranceSeconds} seconds`
      : `no signature matches any of the ${secrets.length} configured webhook secret(s)`
  )
}

/** Whether `value` has the shape of a Stripe event: an id, a type, a creation time and an object. */
export function isStripeEvent(value: unknown): value is Stripe.Event {
  const event = value as Partial<Stripe.Event> | null
  return (
    typeof event?.id === "string" &&
    typeof event.type === "string" &&
    typeof event.created === "number" &&
    typeof event.data?.object === "object" &&
    event.data.object !== null
  )
}
