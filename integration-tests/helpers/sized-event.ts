import type Stripe from "stripe"

/**
 * A valid Stripe event (a PaymentIntent of no session of ours, so it is stored `ignored`) whose JSON
 * is exactly `bytes` long: the PaymentIntent's metadata carries the padding, as a big field would.
 */
export function sizedStripeEvent(id: string, bytes: number): Stripe.Event {
  const event = {
    id,
    object: "event",
    type: "payment_intent.succeeded",
    created: Math.floor(Date.now() / 1000),
    api_version: "2024-06-20",
    livemode: false,
    data: {
      object: {
        id: `pi_${id}`,
        object: "payment_intent",
        amount: 1000,
        amount_received: 1000,
        currency: "eur",
        status: "succeeded",
        metadata: { padding: "" },
      },
    },
  }
  const unpadded = JSON.stringify(event).length
  if (bytes < unpadded) {
    throw new Error(`A Stripe event is at least ${unpadded} bytes long`)
  }
  event.data.object.metadata.padding = "x".repeat(bytes - unpadded)
  return event as unknown as Stripe.Event
}
