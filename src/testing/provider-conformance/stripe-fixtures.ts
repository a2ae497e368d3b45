import { createServer } from "node:net"
import type { AuthorizePaymentInput, ProviderWebhookPayload } from "@medusajs/framework/types"
import Stripe from "stripe"
import { STRIPE_EVENT_ACTIONS } from "../../providers/stripe/event-actions"
import { buildStripeEvent } from "../stripe-simulator/events"
import { newCharge, newDispute, newPaymentIntent, newPaymentMethod, newRefund, unixNow } from "../stripe-simulator/objects"
import type { StripeSimulator } from "../stripe-simulator/server"
import { signStripePayload } from "../stripe-simulator/webhooks"
import type { ConformanceEventSpec, PaymentWebhookProviderFixtures } from "./checks"

/** Where a provider under test finds Stripe's API. */
export interface StripeApiEndpoint {
  apiKey: string
  host: string
  port: number
  protocol: "http" | "https"
}

/** What {@link stripeConformanceFixtures} needs. */
export interface StripeConformanceOptions<P> {
  /**
   * The running simulator (`startStripeSimulator()`) the provider talks to; a function, as jest
   * collects the tests before `beforeAll` starts it.
   */
  sim: () => StripeSimulator
  /** The provider under test, talking to `api` and configured with `secrets` as its webhook secrets. */
  createProvider(api: StripeApiEndpoint, secrets: string[]): P
  /** The webhook secrets to configure; two by default (rotation). */
  secrets?: string[]
  /** The provider's tolerance for signed timestamps, in seconds; Stripe's SDK default (300) by default. */
  toleranceSeconds?: number
  /** The simulator's API key; `sk_test_local` by default. */
  apiKey?: string
}

const PAYMENT_INTENT_STATUS: Record<string, Stripe.PaymentIntent.Status> = {
  "payment_intent.created": "requires_payment_method",
  "payment_intent.processing": "processing",
  "payment_intent.requires_action": "requires_action",
  "payment_intent.partially_funded": "requires_payment_method",
  "payment_intent.amount_capturable_updated": "requires_capture",
  "payment_intent.succeeded": "succeeded",
  "payment_intent.payment_failed": "requires_payment_method",
  "payment_intent.canceled": "canceled",
}

/**
 * Conformance fixtures for a Stripe-based provider: events built like the simulator's (a
 * PaymentIntent, charge, refund or dispute tagged with `metadata.session_id`), signed with the
 * `stripe` SDK, the documented table of this plugin's Stripe providers, a card declined on the
 * simulator, an API that cannot be reached, and a PaymentIntent that does not exist.
 */
export function stripeConformanceFixtures<P>(options: StripeConformanceOptions<P>): PaymentWebhookProviderFixtures<P> {
  const apiKey = options.apiKey ?? "sk_test_local"
  const secrets = options.secrets ?? ["whsec_conformance_current", "whsec_conformance_previous"]
  const api = (): StripeApiEndpoint => ({ apiKey, ...options.sim().stripeConfig() })
  return {
    provider: () => options.createProvider(api(), secrets),
    event: stripeEventFor,
    sign: (rawBody, { secret, timestamp }) => signedStripeRequest(rawBody, secret, timestamp),
    secrets,
    forgedSecret: "whsec_conformance_forged",
    toleranceSeconds: options.toleranceSeconds ?? 300,
    eventActions: STRIPE_EVENT_ACTIONS,
    amountEventType: "payment_intent.succeeded",
    unknownEventType: "customer.created",
    declinedPayment: async (): Promise<AuthorizePaymentInput> => {
      const storefront = new Stripe(apiKey, { ...options.sim().stripeConfig(), maxNetworkRetries: 0 })
      const intent = await storefront.paymentIntents.create({
        amount: 1050,
        currency: "eur",
        payment_method_types: ["card"],
        capture_method: "manual",
        metadata: { session_id: "payses_conformance_declined" },
      })
      await storefront.paymentIntents.confirm(intent.id, { payment_method: "pm_card_chargeDeclined" }).catch(() => undefined)
      return { data: { ...(await storefront.paymentIntents.retrieve(intent.id)) } }
    },
    transientFailure: async () => {
      const provider = options.createProvider({ ...api(), port: await closedPort() }, secrets) as {
        getPaymentStatus(input: { data: Record<string, unknown> }): Promise<unknown>
      }
      return provider.getPaymentStatus({ data: { id: "pi_conformance_unreachable" } })
    },
    badInput: (provider) =>
      (provider as { getPaymentStatus(input: { data: Record<string, unknown> }): Promise<unknown> }).getPaymentStatus({
        data: { id: "pi_conformance_does_not_exist" },
      }),
  }
}

/** A Stripe event of `spec.type` as Stripe would send it for a Medusa payment session. */
function stripeEventFor(spec: ConformanceEventSpec): Stripe.Event {
  const intent = newPaymentIntent({
    amount: spec.amount.minor,
    currency: spec.currency_code,
    capture_method: "manual",
    payment_method_types: ["card"],
    automatic_payment_methods: null,
    customer: null,
    description: null,
    metadata: { session_id: spec.session_id },
    receipt_email: null,
    setup_future_usage: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
  })
  intent.status = PAYMENT_INTENT_STATUS[spec.type] ?? intent.status
  intent.amount_capturable = intent.status === "requires_capture" ? intent.amount : 0
  intent.amount_received = intent.status === "succeeded" ? intent.amount : 0
  const charge = newCharge(intent, newPaymentMethod("card"), "succeeded")
  charge.amount_captured = charge.amount
  charge.captured = true
  const envelope = { id: `evt_${spec.id}`, created: unixNow() }
  const [family] = spec.type.split(".")
  if (spec.type.startsWith("charge.dispute.")) {
    const dispute = newDispute(charge, "fraudulent")
    return buildStripeEvent(spec.type, { ...dispute, payment_intent: intent.id, metadata: { session_id: spec.session_id } }, envelope)
  }
  const refund = newRefund({
    amount: spec.amount.minor,
    currency: spec.currency_code,
    metadata: { session_id: spec.session_id },
    reason: null,
    charge: charge.id,
    payment_intent: intent.id,
  })
  if (spec.type === "charge.refunded") {
    const refunded = { ...charge, amount_refunded: refund.amount, refunded: true }
    return buildStripeEvent(spec.type, { ...refunded, refunds: { object: "list", data: [refund], has_more: false, url: "" } }, envelope)
  }
  if (family === "refund" || spec.type === "charge.refund.updated") {
    return buildStripeEvent(spec.type, refund, envelope)
  }
  if (family === "payment_intent") {
    return buildStripeEvent(spec.type, intent, envelope)
  }
  return buildStripeEvent(spec.type, { id: `cus_${spec.id}`, object: "customer", metadata: {} }, envelope)
}

/** The request Stripe sends with `rawBody`, its `Stripe-Signature` made by the SDK. */
function signedStripeRequest(rawBody: string, secret: string, timestamp: Date): ProviderWebhookPayload["payload"] {
  let data: Record<string, unknown> = {}
  try {
    data = JSON.parse(rawBody)
  } catch {
    // A body that is not JSON is delivered as it is; the provider must refuse it.
  }
  return {
    data,
    rawData: Buffer.from(rawBody),
    headers: {
      "content-type": "application/json",
      "stripe-signature": signStripePayload(rawBody, secret, Math.floor(timestamp.getTime() / 1000)),
    },
  }
}

/** A local port nothing listens on: taken from the OS, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
