import type Stripe from "stripe"
import { API_VERSION, newId, unixNow } from "./objects"

/**
 * Builds an event envelope as Stripe sends it: `evt_` id, `object: "event"`, the SDK's `api_version`, `created` in
 * unix seconds, `livemode: false`, `pending_webhooks`, `request` and `data.object`. `overrides` win over every field.
 */
export function buildStripeEvent(type: string, object: object, overrides: Partial<Stripe.Event> = {}): Stripe.Event {
  const event = {
    id: newId("evt"),
    object: "event",
    api_version: API_VERSION,
    created: unixNow(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...overrides,
  }
  // Stripe.Event is a union keyed by `type`; an event built from any type string cannot be narrowed to one member.
  return event as unknown as Stripe.Event
}
