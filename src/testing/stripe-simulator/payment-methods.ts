import type Stripe from "stripe"
import { invalidRequest, resourceMissing } from "./errors"
import { newPaymentMethod, type TestCard } from "./objects"

/** What happens when a payment method is used to confirm a payment intent. */
export type PaymentOutcome =
  | { kind: "succeed"; dispute?: boolean }
  | { kind: "decline"; declineCode: string; message: string }
  | { kind: "authenticate" }
  | { kind: "async" }
  | { kind: "redirect" }

/**
 * Payment method types that settle later: confirming moves the intent to `processing` until the simulator's
 * `succeedPending` / `failPending` settles it.
 */
export const ASYNC_PAYMENT_METHOD_TYPES: readonly Stripe.PaymentMethod.Type[] = [
  "blik",
  "promptpay",
  "oxxo",
  "sofort",
  "sepa_debit",
]

/**
 * Bank redirects: confirming (with a `return_url`) moves the intent to `requires_action` with
 * `next_action.redirect_to_url`; the customer authorizes or fails the payment on the simulator's redirect page
 * (or `succeedPending` / `failPending`), and the intent then succeeds or goes back to `requires_payment_method`.
 */
export const REDIRECT_PAYMENT_METHOD_TYPES: readonly Stripe.PaymentMethod.Type[] = [
  "bancontact",
  "eps",
  "giropay",
  "ideal",
  "p24",
]

/** Currencies a payment method type accepts, where Stripe restricts them. */
export const PAYMENT_METHOD_CURRENCIES: Partial<Record<Stripe.PaymentMethod.Type, readonly string[]>> = {
  bancontact: ["eur"],
  eps: ["eur"],
  giropay: ["eur"],
  ideal: ["eur"],
  p24: ["eur", "pln"],
  blik: ["pln"],
  sepa_debit: ["eur"],
  sofort: ["eur"],
}

/** Types that accept only automatic capture (`capture_method=manual` is a 400 on Stripe). */
export const NO_MANUAL_CAPTURE_TYPES: readonly Stripe.PaymentMethod.Type[] = [
  ...REDIRECT_PAYMENT_METHOD_TYPES,
  "blik",
  "sofort",
  "sepa_debit",
]

/** Every payment method type the SDK knows; others are rejected like Stripe does. */
const PAYMENT_METHOD_TYPES: readonly Stripe.PaymentMethod.Type[] = [
  "acss_debit", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit",
  "bancontact", "blik", "boleto", "card", "card_present", "cashapp", "customer_balance", "eps", "fpx", "giropay",
  "grabpay", "ideal", "interac_present", "kakao_pay", "klarna", "konbini", "kr_card", "link", "mobilepay",
  "multibanco", "naver_pay", "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal", "pix", "promptpay",
  "revolut_pay", "samsung_pay", "sepa_debit", "sofort", "swish", "twint", "us_bank_account", "wechat_pay", "zip",
]

/** Names people use for a type that Stripe spells differently. */
const TYPE_ALIASES: Record<string, Stripe.PaymentMethod.Type> = { przelewy24: "p24" }

/** Stripe's test card tokens and what each one does. */
const TEST_CARD_TOKENS: Record<string, { card: TestCard; outcome: PaymentOutcome }> = {
  pm_card_visa: { card: { brand: "visa", last4: "4242" }, outcome: { kind: "succeed" } },
  pm_card_mastercard: { card: { brand: "mastercard", last4: "4444" }, outcome: { kind: "succeed" } },
  pm_card_amex: { card: { brand: "amex", last4: "8431" }, outcome: { kind: "succeed" } },
  pm_card_chargeDeclined: {
    card: { brand: "visa", last4: "0002" },
    outcome: { kind: "decline", declineCode: "generic_decline", message: "Your card was declined." },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    card: { brand: "visa", last4: "9995" },
    outcome: { kind: "decline", declineCode: "insufficient_funds", message: "Your card has insufficient funds." },
  },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    card: { brand: "visa", last4: "9995" },
    outcome: { kind: "decline", declineCode: "insufficient_funds", message: "Your card has insufficient funds." },
  },
  pm_card_createDispute: { card: { brand: "visa", last4: "0259" }, outcome: { kind: "succeed", dispute: true } },
  pm_card_authenticationRequired: { card: { brand: "visa", last4: "3184" }, outcome: { kind: "authenticate" } },
}

/**
 * The payment methods of the simulated account. Test tokens (`pm_card_visa`, `pm_card_chargeDeclined`,
 * `pm_bancontact`...) become real `pm_...` objects on first use, as on Stripe, and remember their outcome.
 */
export class PaymentMethodRegistry {
  private readonly entries = new Map<string, { paymentMethod: Stripe.PaymentMethod; outcome: PaymentOutcome }>()

  /** The stored payment method with this id, if any. */
  get(id: string): Stripe.PaymentMethod | undefined {
    return this.entries.get(id)?.paymentMethod
  }

  /** All stored payment methods attached to `customerId`, newest first. */
  attachedTo(customerId: string): Stripe.PaymentMethod[] {
    return [...this.entries.values()]
      .map((entry) => entry.paymentMethod)
      .filter((paymentMethod) => paymentMethod.customer === customerId)
      .reverse()
  }

  /** The outcome of paying with the stored payment method `id`. */
  outcome(id: string): PaymentOutcome {
    const entry = this.entries.get(id)
    if (!entry) {
      throw resourceMissing("PaymentMethod", id, "payment_method")
    }
    return entry.outcome
  }

  /** Resolves `payment_method`: a stored id, a test card token, or `pm_<type>` for another type (`pm_ideal`). */
  resolve(idOrToken: string, param = "payment_method"): Stripe.PaymentMethod {
    const stored = this.get(idOrToken)
    if (stored) {
      return stored
    }
    const testCard = TEST_CARD_TOKENS[idOrToken]
    if (testCard) {
      return this.store(newPaymentMethod("card", testCard.card), testCard.outcome)
    }
    const type = idOrToken.startsWith("pm_") ? knownType(idOrToken.slice(3)) : undefined
    if (type && type !== "card") {
      return this.create(type)
    }
    throw resourceMissing("PaymentMethod", idOrToken, param)
  }

  /** Creates a payment method from `payment_method_data[type]`; a bare `card` behaves like `pm_card_visa`. */
  createFromData(type: string, param = "payment_method_data[type]"): Stripe.PaymentMethod {
    const known = knownType(type)
    if (!known) {
      throw invalidRequest(`Invalid ${param}: ${type} is not a payment method type.`, { param })
    }
    return known === "card" ? this.resolve("pm_card_visa") : this.create(known)
  }

  private create(type: Stripe.PaymentMethod.Type): Stripe.PaymentMethod {
    const outcome: PaymentOutcome = ASYNC_PAYMENT_METHOD_TYPES.includes(type)
      ? { kind: "async" }
      : REDIRECT_PAYMENT_METHOD_TYPES.includes(type)
        ? { kind: "redirect" }
        : { kind: "succeed" }
    return this.store(newPaymentMethod(type), outcome)
  }

  private store(paymentMethod: Stripe.PaymentMethod, outcome: PaymentOutcome): Stripe.PaymentMethod {
    this.entries.set(paymentMethod.id, { paymentMethod, outcome })
    return paymentMethod
  }
}

/** The Stripe type named `name` (aliases such as `przelewy24` included), or undefined. */
export function knownType(name: string): Stripe.PaymentMethod.Type | undefined {
  return TYPE_ALIASES[name] ?? PAYMENT_METHOD_TYPES.find((type) => type === name)
}
