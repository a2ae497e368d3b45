import type { MedusaContainer } from "@medusajs/framework/types"
import fc from "fast-check"
import type Stripe from "stripe"
import processDuePaymentWebhooks from "../../src/jobs/process-due-payment-webhooks"
import { PAYMENT_WEBHOOKS_MODULE } from "../../src/modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../src/modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../../src/modules/payment-webhooks/types"
import type { StripeSimulator } from "../../src/testing/stripe-simulator"
import { signedStripeDelivery, type WebhookApi } from "./webhook-delivery"

/** The part of the test runner's axios instance (`api`) that posts a raw, signed webhook body. */
export type RawPostApi = WebhookApi


/** The PaymentIntent an event is about: the intent itself, or the charge's / refund's / dispute's. */
function paymentIntentOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id?: string; payment_intent?: string | { id: string } | null }
  if (object.object === "payment_intent") {
    return object.id ?? null
  }
  const intent = object.payment_intent
  return typeof intent === "string" ? intent : intent?.id ?? null
}

/** The simulator's events about one PaymentIntent from position `since` of its event log on, in creation order. */
export function paymentIntentEventsSince(sim: StripeSimulator, since: number, paymentIntentId: string): Stripe.Event[] {
  return sim.events.slice(since).filter((event) => paymentIntentOf(event) === paymentIntentId)
}

/** One delivery of one event: when to start it (ms after the batch starts) and whether it repeats an earlier one. */
export interface ScheduledDelivery {
  event: Stripe.Event
  startMs: number
  duplicate: boolean
}

/**
 * How fast-check varies the deliveries of one batch of events: a sort key per event (the arrival
 * order), which events to deliver once more and where, and the gap before each delivery (0 = at
 * the same time as the previous one).
 */
export interface BatchShape {
  keys: number[]
  duplicates: { pick: number; at: number }[]
  gapsMs: number[]
}

/** A `BatchShape` for batches of up to `maxEvents` events. */
export function batchShape(maxEvents: number, { maxDuplicates = 3, maxGapMs = 40 } = {}): fc.Arbitrary<BatchShape> {
  return fc.record({
    keys: fc.array(fc.nat(1_000), { minLength: maxEvents, maxLength: maxEvents }),
    duplicates: fc.array(fc.record({ pick: fc.nat(), at: fc.nat() }), { maxLength: maxDuplicates }),
    gapsMs: fc.array(fc.constantFrom(0, 0, 5, 20, maxGapMs), {
      minLength: maxEvents + maxDuplicates,
      maxLength: maxEvents + maxDuplicates,
    }),
  })
}

/**
 * Turns a batch and its shape into the deliveries to make. Duplicates are drawn from `pool` (every
 * event produced so far, so an event of an earlier batch may be delivered again, late).
 */
export function scheduleBatch(batch: Stripe.Event[], pool: Stripe.Event[], shape: BatchShape): ScheduledDelivery[] {
  const ordered = batch
    .map((event, index) => ({ event, key: shape.keys[index] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ event }) => ({ event, duplicate: false }))
  for (const { pick, at } of shape.duplicates) {
    if (pool.length) {
      ordered.splice(at % (ordered.length + 1), 0, { event: pool[pick % pool.length], duplicate: true })
    }
  }
  let startMs = 0
  return ordered.map((delivery, index) => {
    startMs += shape.gapsMs[index] ?? 0
    return { ...delivery, startMs }
  })
}

/** A short description of deliveries for failure messages, e.g. `+0 payment_intent.succeeded (dup)`. */
export function describeDeliveries(deliveries: ScheduledDelivery[]): string {
  return deliveries
    .map((delivery) => `+${delivery.startMs} ${delivery.event.type}${delivery.duplicate ? " (dup)" : ""}`)
    .join(", ")
}

/**
 * Delivers `deliveries` to the app's webhook route as Stripe would: the exact bytes of each event,
 * signed with the real SDK, started at their `startMs` (so deliveries with the same start run
 * concurrently). Resolves once every delivery was answered; any answer but 200 throws.
 */
export async function deliver(api: RawPostApi, deliveries: ScheduledDelivery[], provider = "stripe_stripe"): Promise<void> {
  await Promise.all(
    deliveries.map(async ({ event, startMs }) => {
      await sleep(startMs)
      const response = await signedStripeDelivery(api, event, provider).post()
      if (response.status !== 200) {
        throw new Error(`${event.type} ${event.id} -> ${response.status} ${JSON.stringify(response.data)}`)
      }
    })
  )
}

const UNFINISHED: ReadonlySet<string> = new Set(["received", "processing", "failed"])

/**
 * Drives the session's inbox rows to a final state the way production does: the subscriber runs
 * each stored event at once, and the recovery job (called here directly, as its schedule would)
 * runs due retries. Returns the rows once `expectedRows` exist and none is received, processing
 * or failed; throws with the rows after `timeoutMs`.
 */
export async function settleInbox(
  container: MedusaContainer,
  sessionId: string,
  expectedRows: number,
  { timeoutMs = 60_000 } = {}
): Promise<{ rows: PaymentWebhookEventDTO[]; recoveryRuns: number }> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const deadline = Date.now() + timeoutMs
  let recoveryRuns = 0
  let rows: PaymentWebhookEventDTO[] = []
  while (Date.now() < deadline) {
    rows = (await inbox.listPaymentWebhookEvents({ session_id: sessionId })) as PaymentWebhookEventDTO[]
    if (rows.length >= expectedRows && rows.every((row) => !UNFINISHED.has(row.status))) {
      return { rows, recoveryRuns }
    }
    const counts = await processDuePaymentWebhooks(container)
    recoveryRuns += counts.processed + counts.failed + counts.dead
    await sleep(40)
  }
  throw new Error(
    `The inbox of session ${sessionId} did not settle: ${JSON.stringify(
      rows.map(({ event_type, status, attempts, last_error }) => ({ event_type, status, attempts, last_error }))
    )}`
  )
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
