import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import Stripe from "stripe"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import type { StripeSimulator } from "../../src/testing/stripe-simulator"
import { countCartOrders } from "./store-flow"
import { TEST_WEBHOOK_SECRET, waitFor } from "./stripe-harness"

/** The part of the test runner's axios instance (`api`) that posts a raw webhook body. */
export type WebhookApi = {
  post<T>(
    url: string,
    body: string,
    config: {
      headers: Record<string, string>
      transformRequest: ((data: unknown) => unknown)[]
      validateStatus: (status: number) => boolean
    }
  ): Promise<{ status: number; data: T }>
}

/** What the webhook route answers (the README's "What the endpoint answers"). */
export type WebhookAnswer = { id?: string; status?: string; type?: string; message?: string }

/**
 * A delivery as Stripe makes it: the exact bytes of `event`, signed with the real SDK for the test
 * endpoint's secret (or `secret`). `post` sends it again each time it is called (the same bytes and signature).
 */
export function signedStripeDelivery(
  api: WebhookApi,
  event: Stripe.Event,
  provider = "stripe_stripe",
  secret = TEST_WEBHOOK_SECRET
) {
  const body = JSON.stringify(event)
  const signature = new Stripe("sk_test_local").webhooks.generateTestHeaderString({ payload: body, secret })
  return {
    post: () =>
      api.post<WebhookAnswer>(`/hooks/payment/${provider}`, body, {
        headers: { "content-type": "application/json", "stripe-signature": signature },
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
      }),
  }
}

/** The newest event of `type` the simulator produced about the object `objectId` (e.g. a PaymentIntent). */
export function simulatorEvent(sim: StripeSimulator, type: string, objectId: string): Stripe.Event {
  const event = [...sim.events]
    .reverse()
    .find((candidate) => candidate.type === type && (candidate.data.object as { id?: string }).id === objectId)
  if (!event) {
    throw new Error(`The simulator produced no ${type} for ${objectId}`)
  }
  return event
}

const FINISHED: ReadonlySet<string> = new Set(["processed", "ignored", "dead"])

/**
 * Waits until every inbox row of the session is finished (`processed`, `ignored` or `dead`) and
 * returns them. Call it after `sim.idle()`: then every delivery has been answered, so every row exists.
 * A row stored before its session was known (`needs_resolution`: a Dashboard refund, a dispute) gets
 * its session only once processing resolved it, so no row without a session may still be waiting.
 */
export async function settledInboxRows(
  container: MedusaContainer,
  sessionId: string,
  opts: { timeoutMs?: number } = {}
): Promise<PaymentWebhookEventDTO[]> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  return waitFor(
    async () => {
      const unresolved = await inbox.listPaymentWebhookEvents({ session_id: null, status: ["received", "processing"] })
      const rows = (await inbox.listPaymentWebhookEvents({ session_id: sessionId })) as PaymentWebhookEventDTO[]
      return unresolved.length === 0 && rows.length > 0 && rows.every((row) => FINISHED.has(row.status)) ? rows : null
    },
    { what: `the inbox rows of session ${sessionId} to finish`, timeoutMs: opts.timeoutMs }
  )
}

/** Waits until the inbox row `id` has one of `statuses` and returns it. */
export async function inboxRowIn(
  container: MedusaContainer,
  id: string,
  statuses: string[],
  opts: { timeoutMs?: number } = {}
): Promise<PaymentWebhookEventDTO> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  return waitFor(
    async () => {
      const row = await inbox.retrieveEvent(id)
      return statuses.includes(row.status) ? row : null
    },
    { what: `inbox row ${id} to be ${statuses.join(" or ")}`, timeoutMs: opts.timeoutMs }
  )
}

/** A purchase as the tests drive it: the cart, its payment session and the session's PaymentIntent. */
export type Purchase = { cart: { id: string }; paymentSession: { id: string }; paymentIntentId: string }

/**
 * One line for the closing note: what the purchase saw - inbox rows (one per distinct event),
 * deliveries and duplicates among them, orders of the cart, captures in Medusa and in Stripe.
 */
export async function describePurchase(
  container: MedusaContainer,
  sim: StripeSimulator,
  purchase: Purchase,
  title: string
): Promise<string> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const rows = (await inbox.listPaymentWebhookEvents({ session_id: purchase.paymentSession.id })) as PaymentWebhookEventDTO[]
  const deliveries = rows.reduce((sum, row) => sum + row.deliveries, 0)
  const paymentModule = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const [session] = await paymentModule.listPaymentSessions({ id: purchase.paymentSession.id }, { relations: ["payment"] })
  const payment = session?.payment
    ? await paymentModule.retrievePayment(session.payment.id, { relations: ["captures"] })
    : null
  const orders = await countCartOrders(container, purchase.cart.id)
  const captures = `${payment?.captures?.length ?? 0} Medusa / ${sim.effectiveCaptures(purchase.paymentIntentId)} Stripe`
  return (
    `${title}: ${rows.length} event(s), ${deliveries} deliveries (${deliveries - rows.length} duplicates), ` +
    `${orders} order(s), ${captures} capture(s)`
  )
}
