import { MedusaError } from "@medusajs/framework/utils"
import type Stripe from "stripe"
import { describeStripeEvent, lookupsFor, type StripeWebhookResult } from "./webhook-event"

/**
 * Completes an event the acknowledgement marked `needs_resolution`: reads from Stripe what
 * {@link lookupsFor} names - at most a PaymentIntent, a charge's refunds and a payment method, read
 * side by side - and maps the event again with the answers (`describeStripeEvent`). Processing calls
 * this, never the acknowledgement. Throws what Stripe threw, so processing retries.
 */
export async function resolveStripeEvent(stripe: Stripe, event: Stripe.Event): Promise<StripeWebhookResult> {
  const wanted = lookupsFor(event)
  const [paymentIntent, chargeRefunds, paymentMethod] = await Promise.all([
    wanted.paymentIntent ? stripe.paymentIntents.retrieve(wanted.paymentIntent) : undefined,
    wanted.chargeRefunds ? refundsOfCharge(stripe, wanted.chargeRefunds) : undefined,
    wanted.paymentMethod ? stripe.paymentMethods.retrieve(wanted.paymentMethod) : undefined,
  ])
  return describeStripeEvent(event, { paymentIntent, chargeRefunds, paymentMethod })
}

/** Every refund of the charge; throws when there is none, as a refund event without one cannot be acted on. */
async function refundsOfCharge(stripe: Stripe, chargeId: string): Promise<Stripe.Refund[]> {
  const refunds = await stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 10_000 })
  if (refunds.length === 0) {
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `stripe provider: charge ${chargeId} lists no refunds`)
  }
  return refunds
}
