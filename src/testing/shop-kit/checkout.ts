import type Stripe from "stripe"
import { REDIRECT_PAYMENT_METHOD_TYPES } from "../stripe-simulator/payment-methods"
import type { ShopStripe } from "./shop-stripe"

/** How the customer pays: a card, a card asking for 3-D Secure, a redirect method (Bancontact...), a declined card. */
export type TestPaymentMethod = "card" | "3ds" | "redirect" | "decline"

/** What the customer does on the 3-D Secure or redirect page: authorize (default), fail, or leave it open. */
export type CustomerAction = "authorize" | "fail" | "leave"

/** Options of {@link payPaymentIntent}. */
export interface PayOptions {
  /** See {@link CustomerAction}; only for `3ds` and `redirect`. */
  action?: CustomerAction
  /** Where a redirect method returns to; default `http://localhost:8000/checkout/return`. */
  returnUrl?: string
}

/** How a payment attempt ended, as the storefront would see it. */
export interface PaymentOutcome {
  paymentIntentId: string
  /** The PaymentIntent's status once the customer is done (`requires_capture`, `succeeded`, `requires_payment_method`...). */
  status: Stripe.PaymentIntent.Status
  /** True when the card was declined (Stripe answered a `card_error`). */
  declined: boolean
  paymentIntent: Stripe.PaymentIntent
}

const TEST_CARDS: Record<"card" | "3ds" | "decline", string> = {
  card: "pm_card_visa",
  "3ds": "pm_card_authenticationRequired",
  decline: "pm_card_chargeDeclined",
}

/**
 * Pays the PaymentIntent behind a Stripe payment session as the customer would with Stripe.js: confirms it
 * with a test card, completes (or fails) 3-D Secure, or follows the redirect to the simulator's page and
 * authorizes (or fails) there. A decline does not throw: it comes back as `declined`.
 */
export async function payPaymentIntent(
  shop: ShopStripe,
  paymentIntentId: string,
  method: TestPaymentMethod,
  options: PayOptions = {}
): Promise<PaymentOutcome> {
  const action = options.action ?? "authorize"
  if (method === "redirect") {
    return payByRedirect(shop, paymentIntentId, action, options.returnUrl ?? "http://localhost:8000/checkout/return")
  }
  try {
    const confirmed = await shop.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: TEST_CARDS[method] })
    if (method === "3ds" && action !== "leave") {
      const settled = action === "authorize" ? shop.simulator.succeedPending(paymentIntentId) : shop.simulator.failPending(paymentIntentId)
      return outcome(await settled, false)
    }
    return outcome(confirmed, false)
  } catch (error) {
    if ((error as { type?: string }).type === "StripeCardError") {
      return outcome(await shop.stripe.paymentIntents.retrieve(paymentIntentId), true)
    }
    throw error
  }
}

async function payByRedirect(
  shop: ShopStripe,
  paymentIntentId: string,
  action: CustomerAction,
  returnUrl: string
): Promise<PaymentOutcome> {
  const intent = await shop.stripe.paymentIntents.retrieve(paymentIntentId)
  const type = intent.payment_method_types.find((candidate) => (REDIRECT_PAYMENT_METHOD_TYPES as readonly string[]).includes(candidate))
  if (!type) {
    throw new Error(
      `payPaymentIntent: ${paymentIntentId} accepts ${intent.payment_method_types.join(", ")}, no redirect method; ` +
        "pay with a redirect provider's session (e.g. pp_stripe-bancontact_stripe)"
    )
  }
  const redirecting = await shop.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: `pm_${type}`, return_url: returnUrl })
  const page = redirecting.next_action?.redirect_to_url?.url
  if (action === "leave" || !page) {
    return outcome(redirecting, false)
  }
  // The customer presses "Authorize" or "Fail" on the page, which sends them back to the return_url.
  const answer = await fetch(page, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ result: action }).toString(),
    redirect: "manual",
  })
  if (answer.status !== 303) {
    throw new Error(`payPaymentIntent: the redirect page answered ${answer.status}: ${await answer.text()}`)
  }
  return outcome(await shop.stripe.paymentIntents.retrieve(paymentIntentId), false)
}

function outcome(paymentIntent: Stripe.PaymentIntent, declined: boolean): PaymentOutcome {
  return { paymentIntentId: paymentIntent.id, status: paymentIntent.status, declined, paymentIntent }
}
