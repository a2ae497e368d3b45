import type { PaymentProviderContext } from "@medusajs/framework/types"
import type { PaymentWebhookData } from "./webhook-contract"

/**
 * Key of the context of `authorizePayment` under which webhook processing hands the provider the
 * verified event that asked for the authorization. Providers whose API cannot be asked about a
 * payment (Adyen: webhooks are its only report of an authorisation made in the shopper's browser)
 * authorize from it; others ignore it. Only server code sets the context: a storefront cannot.
 */
export const VERIFIED_WEBHOOK_EVENT_KEY = "verified_webhook_event"

/** The verified event, as stored in the inbox: its action and the provider's `data`. */
export interface VerifiedWebhookEvent {
  action: string
  data: PaymentWebhookData & Record<string, unknown>
}

/** The verified event in an `authorizePayment` context, or null when the call did not come from a webhook. */
export function verifiedWebhookEventOf(context: unknown): VerifiedWebhookEvent | null {
  const event = (context as Record<string, unknown> | null | undefined)?.[VERIFIED_WEBHOOK_EVENT_KEY] as
    | Partial<VerifiedWebhookEvent>
    | undefined
  return event && typeof event.action === "string" && event.data && typeof event.data === "object"
    ? (event as VerifiedWebhookEvent)
    : null
}

/**
 * Key of the `authorizePayment` context that asks the provider to report a payment it already
 * captured as `authorized`. Webhook processing sets it when it authorizes just before completing the
 * cart: Medusa's Payment Module records a capture as soon as a provider reports `captured`, and
 * Medusa's cart completion refunds a captured payment when the completion fails - even for a passing
 * database or Redis hiccup. So the payment is recorded as authorized, the cart becomes an order, and
 * the capture is recorded afterwards (`capturePayment`, which for a payment the provider already
 * captured only confirms it). A provider that ignores the key still works, without that protection.
 */
export const RECORD_CAPTURE_LATER_KEY = "record_capture_later"

/** The `authorizePayment` context that carries `event` (Medusa's context type does not know the keys). */
export function verifiedWebhookContext(
  event: { action: string; data?: unknown },
  options: { recordCaptureLater?: boolean } = {}
): PaymentProviderContext {
  return {
    [VERIFIED_WEBHOOK_EVENT_KEY]: event,
    ...(options.recordCaptureLater && { [RECORD_CAPTURE_LATER_KEY]: true }),
  } as PaymentProviderContext
}

/**
 * The status `authorizePayment` reports: `captured` becomes `authorized` when the context asks for
 * the capture to be recorded later (see `RECORD_CAPTURE_LATER_KEY`); any other status is unchanged.
 */
export function authorizationStatusFor<Status extends string>(status: Status, context: unknown): Status | "authorized" {
  const later = (context as Record<string, unknown> | null | undefined)?.[RECORD_CAPTURE_LATER_KEY] === true
  return status === "captured" && later ? "authorized" : status
}
