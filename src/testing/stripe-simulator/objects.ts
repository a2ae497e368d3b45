import { randomBytes } from "node:crypto"
import type Stripe from "stripe"

/** The API version of the bundled SDK; events carry it like events of an account pinned to that version. */
export const API_VERSION: Stripe.LatestApiVersion = "2025-02-24.acacia"

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const DISPUTE_RESPONSE_DAYS = 7

/** A Stripe-looking id: the object's prefix (`pi`, `ch`, `evt`...), an underscore and 24 random characters. */
export function newId(prefix: string): string {
  let suffix = ""
  for (const byte of randomBytes(24)) {
    suffix += ID_ALPHABET[byte % ID_ALPHABET.length]
  }
  return `${prefix}_${suffix}`
}

/** The current time in unix seconds, Stripe's `created` unit. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000)
}

/** The fields a caller chooses when creating a payment intent; the rest start as on a fresh Stripe intent. */
export type PaymentIntentInit = Pick<
  Stripe.PaymentIntent,
  | "amount"
  | "currency"
  | "capture_method"
  | "payment_method_types"
  | "automatic_payment_methods"
  | "customer"
  | "description"
  | "metadata"
  | "receipt_email"
  | "setup_future_usage"
  | "statement_descriptor"
  | "statement_descriptor_suffix"
>

/** A new payment intent in `requires_payment_method`. */
export function newPaymentIntent(init: PaymentIntentInit): Stripe.PaymentIntent {
  const id = newId("pi")
  return {
    id,
    object: "payment_intent",
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    canceled_at: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${newId("cs").slice(3)}`,
    confirmation_method: "automatic",
    created: unixNow(),
    invoice: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    processing: null,
    review: null,
    shipping: null,
    source: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
    ...init,
  }
}

/** A charge for `paymentIntent` paid with `paymentMethod`; its metadata is a copy of the intent's, as on Stripe. */
export function newCharge(
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  status: Stripe.Charge.Status
): Stripe.Charge {
  return {
    id: newId("ch"),
    object: "charge",
    amount: paymentIntent.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: paymentMethod.billing_details,
    calculated_statement_descriptor: paymentIntent.statement_descriptor ?? "MEDUSA TEST",
    captured: false,
    created: unixNow(),
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    invoice: null,
    livemode: false,
    metadata: { ...paymentIntent.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: status === "succeeded",
    payment_intent: paymentIntent.id,
    payment_method: paymentMethod.id,
    payment_method_details: paymentMethodDetails(paymentMethod),
    receipt_email: paymentIntent.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: paymentIntent.statement_descriptor,
    statement_descriptor_suffix: paymentIntent.statement_descriptor_suffix,
    status,
    transfer_data: null,
    transfer_group: null,
  }
}

/** The outcome Stripe reports on an authorized charge. */
export function authorizedOutcome(): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "approved_by_network",
    reason: null,
    risk_level: "normal",
    risk_score: 32,
    seller_message: "Payment complete.",
    type: "authorized",
  }
}

/** The outcome Stripe reports on a charge the issuer declined with `declineCode`. */
export function declinedOutcome(declineCode: string): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "declined_by_network",
    reason: declineCode,
    risk_level: "normal",
    risk_score: 32,
    seller_message: "The bank did not return any further details with this decline.",
    type: "issuer_declined",
  }
}

/** The fields a refund is created with. */
export type RefundInit = Pick<Stripe.Refund, "amount" | "currency" | "metadata" | "reason"> & {
  charge: string
  payment_intent: string | null
}

/** A refund that has already succeeded (test-mode card refunds settle at once). */
export function newRefund(init: RefundInit): Stripe.Refund {
  return {
    id: newId("re"),
    object: "refund",
    balance_transaction: null,
    created: unixNow(),
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
    ...init,
  }
}

/** A new dispute on `charge` awaiting the merchant's response. */
export function newDispute(charge: Stripe.Charge, reason: string): Stripe.Dispute {
  return {
    id: newId("dp"),
    object: "dispute",
    amount: charge.amount_captured,
    balance_transactions: [],
    charge: charge.id,
    created: unixNow(),
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: null,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: unixNow() + DISPUTE_RESPONSE_DAYS * 24 * 60 * 60,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
    reason,
    status: "needs_response",
  }
}

/** The fields a customer is created with. */
export type CustomerInit = Pick<Stripe.Customer, "email" | "name" | "phone" | "description" | "metadata">

/** A new customer. */
export function newCustomer(init: CustomerInit): Stripe.Customer {
  return {
    id: newId("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: unixNow(),
    currency: null,
    default_source: null,
    delinquent: false,
    discount: null,
    invoice_prefix: newId("inv").slice(4, 12).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    next_invoice_sequence: 1,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
    ...init,
  }
}

/** The card a test token stands for. */
export interface TestCard {
  brand: string
  last4: string
}

/** A new payment method of `type`; card details are filled in when `card` is given. */
export function newPaymentMethod(type: Stripe.PaymentMethod.Type, card?: TestCard): Stripe.PaymentMethod {
  const paymentMethod: Stripe.PaymentMethod = {
    id: newId("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: { address: null, email: null, name: null, phone: null },
    created: unixNow(),
    customer: null,
    livemode: false,
    metadata: {},
    type,
  }
  if (card) {
    paymentMethod.card = {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 5,
      fingerprint: newId("fp").slice(3, 19),
      funding: "credit",
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    }
  }
  return paymentMethod
}

const FEE_PERCENT = 0.029
const FEE_FIXED = 30
const DAY_SECONDS = 24 * 60 * 60

/**
 * The balance movement of a charge (`type: "charge"`, less Stripe's fee of 2.9% + 30), a refund (negative, no
 * fee) or a dispute (`adjustment`, negative when funds are withdrawn, positive when reinstated).
 */
export function newBalanceTransaction(
  amount: number,
  currency: string,
  type: "charge" | "refund" | "adjustment",
  source: string
): Stripe.BalanceTransaction {
  const fee = type === "charge" ? Math.round(amount * FEE_PERCENT) + FEE_FIXED : 0
  const created = unixNow()
  return {
    id: newId("txn"),
    object: "balance_transaction",
    amount,
    available_on: created + 2 * DAY_SECONDS,
    created,
    currency,
    description: null,
    exchange_rate: null,
    fee,
    fee_details:
      fee > 0 ? [{ amount: fee, application: null, currency, description: "Stripe processing fees", type: "stripe_fee" }] : [],
    net: amount - fee,
    reporting_category: type === "adjustment" ? "dispute" : type,
    source,
    status: "pending",
    type,
  }
}

/** `payment_method_details` of a charge: the type, and for a card its brand, last4 and checks as Stripe reports them. */
export function paymentMethodDetails(paymentMethod: Stripe.PaymentMethod): Stripe.Charge.PaymentMethodDetails {
  const card = paymentMethod.card
  if (!card) {
    return { type: paymentMethod.type }
  }
  return {
    type: "card",
    card: {
      amount_authorized: null,
      authorization_code: null,
      brand: card.brand,
      checks: card.checks,
      country: card.country,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      fingerprint: card.fingerprint,
      funding: card.funding,
      installments: null,
      last4: card.last4,
      mandate: null,
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: null,
      regulated_status: card.regulated_status,
      three_d_secure: null,
      wallet: null,
    },
  }
}
