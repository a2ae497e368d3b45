import type { PaymentWebhookRefund } from "../../providers/webhook-contract"

/** What to do with one refund a provider reported. */
export type RefundDecision =
  /** Record it on the Medusa payment: a refund made at the provider, or one Medusa rolled back. */
  | "record"
  /** Nothing: already recorded, or it did not succeed. */
  | "skip"
  /** It is the Medusa refund it names: store the provider's refund id on that refund. */
  | "link"
  /** Medusa's own call for it has not returned yet: decide on a later attempt. */
  | "wait"

/** A Medusa refund, as the decision needs it. */
export interface MedusaRefundFacts {
  id: string
  provider_refund_id: string | null
  created_at: Date
}

/**
 * How long a Medusa refund may stay unconfirmed by its provider before it counts as kept: longer
 * than a provider call with its timeouts and retries takes (Stripe's SDK: 3 x 80 s by default).
 */
export const REFUND_IN_FLIGHT_MAX_MS = 15 * 60 * 1000

const UNSUCCESSFUL = new Set(["failed", "canceled"])

/**
 * Matches a provider refund to the Medusa payment's refunds by the provider's refund id, never by a
 * flag. A refund Medusa issued names its Medusa refund (`medusa_refund_id`): while that refund
 * exists, it is the same money - linked once the provider confirmed it in the payment's `data`
 * (`confirmed`, which Medusa stores only when its call succeeded), or after `REFUND_IN_FLIGHT_MAX_MS`;
 * until then Medusa's call may still fail and roll its refund back, so the decision waits. A Medusa
 * refund that no longer exists was rolled back after the provider accepted it: recorded.
 */
export function decideProviderRefund(
  refund: PaymentWebhookRefund,
  medusaRefunds: MedusaRefundFacts[],
  confirmed: Record<string, string>,
  now: Date
): RefundDecision {
  if (UNSUCCESSFUL.has(refund.status ?? "") || medusaRefunds.some((known) => known.provider_refund_id === refund.id)) {
    return "skip"
  }
  const issued = refund.medusa_refund_id ? medusaRefunds.find((known) => known.id === refund.medusa_refund_id) : undefined
  if (!issued) {
    return "record"
  }
  if (confirmed[issued.id] === refund.id || now.getTime() - issued.created_at.getTime() >= REFUND_IN_FLIGHT_MAX_MS) {
    return "link"
  }
  return "wait"
}
