import { WebhookHttpError } from "./http-errors"

const PROVIDER_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/

/**
 * Turns the route's `:provider` segment into the Payment Module's provider id:
 * `stripe_stripe` and `pp_stripe_stripe` both become `pp_stripe_stripe`.
 */
export function normalizeProviderId(segment: string | undefined): string {
  if (!segment || !PROVIDER_SEGMENT.test(segment)) {
    throw new WebhookHttpError("unknown_provider", `"${String(segment).slice(0, 60)}" is not a payment provider id`)
  }
  return segment.startsWith("pp_") ? segment : `pp_${segment}`
}
