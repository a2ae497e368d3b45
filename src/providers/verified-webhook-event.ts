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

/** The `authorizePayment` context that carries `event` (Medusa's context type does not know the key). */
export function verifiedWebhookContext(event: { action: string; data?: unknown }): PaymentProviderContext {
  return { [VERIFIED_WEBHOOK_EVENT_KEY]: event } as PaymentProviderContext
}
