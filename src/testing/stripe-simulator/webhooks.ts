import http from "node:http"
import https from "node:https"
import Stripe from "stripe"
import { PendingWork } from "../pending-work"

/** A URL that receives the simulator's events, and the `whsec_...` secret they are signed with. */
export type SimulatorEndpoint = { url: string; secret: string }

/** How events reach the endpoints; see `DEFAULT_DELIVERY` for the defaults. */
export type DeliveryOptions = {
  /** Deliver every event twice, concurrently, as Stripe occasionally does. */
  duplicate?: boolean
  /** Hold events for a short window (50-150 ms) and deliver them in random order. */
  shuffle?: boolean
  /** Wait this long before the first attempt of every delivery. */
  delayMs?: number
  /** After a failed attempt (non-2xx or network error), wait `retryDelaysMs[n]` before attempt n + 2; then give up. */
  retryDelaysMs?: number[]
  /**
   * `all` (the default) sends every event to every endpoint, as Stripe does with several registered endpoints.
   * `round-robin` treats the endpoints as the servers behind one load balancer: each event goes to the next
   * endpoint in turn, and each retry of a failed attempt to the endpoint after the one that failed.
   */
  spread?: "all" | "round-robin"
}

/** One attempt to deliver one event to one endpoint; `sentAt` is when its request started (epoch ms). */
export type DeliveryRecord = { eventId: string; url: string; status: number | "error"; attempt: number; sentAt: number }

/** Delivery settings when none are given. */
export const DEFAULT_DELIVERY: Required<DeliveryOptions> = {
  duplicate: false,
  shuffle: false,
  delayMs: 0,
  retryDelaysMs: [200, 1000, 5000],
  spread: "all",
}

const ATTEMPT_TIMEOUT_MS = 10_000
const SHUFFLE_WINDOW_MIN_MS = 50
const SHUFFLE_WINDOW_SPREAD_MS = 100

/** Signs `payload` for the `Stripe-Signature` header with the SDK's own helper; `timestamp` is in unix seconds. */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
}

/**
 * Delivers events to endpoints in the background: signed JSON POSTs, retried on failure, optionally duplicated,
 * delayed or shuffled. Every timer and request is tracked so `idle()` can wait for them and `stop()` can cancel them.
 */
export class WebhookDispatcher {
  private options: Required<DeliveryOptions> = DEFAULT_DELIVERY
  private buffered: Array<{ event: Stripe.Event; endpoints: SimulatorEndpoint[] }> = []
  private readonly work = new PendingWork()
  private nextEndpoint = 0

  /** `record` is told about every finished attempt. */
  constructor(private readonly record: (delivery: DeliveryRecord) => void) {}

  /** Replaces the delivery settings; fields left out take their `DEFAULT_DELIVERY` value. */
  configure(options: DeliveryOptions): void {
    this.options = { ...DEFAULT_DELIVERY, ...options }
  }

  /** Queues `event` for every endpoint in `endpoints` and returns at once. */
  dispatch(event: Stripe.Event, endpoints: SimulatorEndpoint[]): void {
    if (!this.options.shuffle) {
      this.deliver(event, endpoints)
      return
    }
    this.buffered.push({ event, endpoints })
    if (this.buffered.length === 1) {
      this.work.schedule(SHUFFLE_WINDOW_MIN_MS + Math.random() * SHUFFLE_WINDOW_SPREAD_MS, () => this.flushShuffled())
    }
  }

  /** Resolves once nothing is buffered, scheduled or in flight. */
  idle(): Promise<void> {
    return this.work.idle()
  }

  /** Cancels scheduled attempts and aborts those in flight; later `dispatch` calls do nothing. */
  async stop(): Promise<void> {
    this.work.cancel()
    this.buffered = []
    await this.idle()
  }

  private flushShuffled(): void {
    const batch = this.buffered
    this.buffered = []
    for (let i = batch.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[batch[i], batch[j]] = [batch[j], batch[i]]
    }
    for (const { event, endpoints } of batch) {
      this.deliver(event, endpoints)
    }
  }

  private deliver(event: Stripe.Event, endpoints: SimulatorEndpoint[]): void {
    const copies = this.options.duplicate ? 2 : 1
    for (const target of this.targetsOf(endpoints)) {
      for (let copy = 0; copy < copies; copy += 1) {
        this.work.schedule(this.options.delayMs, () => this.attempt(event, endpoints, target, 1))
      }
    }
  }

  /** Indexes into `endpoints` that receive the next event. */
  private targetsOf(endpoints: SimulatorEndpoint[]): number[] {
    if (this.options.spread === "all") {
      return endpoints.map((_, index) => index)
    }
    return endpoints.length ? [this.nextEndpoint++ % endpoints.length] : []
  }

  private attempt(event: Stripe.Event, endpoints: SimulatorEndpoint[], target: number, attempt: number): void {
    const endpoint = endpoints[target]
    const payload = JSON.stringify(event, null, 2)
    const url = new URL(endpoint.url)
    const transport = url.protocol === "https:" ? https : http
    const sentAt = Date.now()
    const request = transport.request(url, {
      method: "POST",
      agent: false,
      timeout: ATTEMPT_TIMEOUT_MS,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(payload),
        "Stripe-Signature": signStripePayload(payload, endpoint.secret),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      },
    })
    this.work.send(request, payload, (status) => {
      this.record({ eventId: event.id, url: endpoint.url, status, attempt, sentAt })
      if (status === "error" || status < 200 || status >= 300) {
        this.retry(event, endpoints, target, attempt)
      }
    })
  }

  private retry(event: Stripe.Event, endpoints: SimulatorEndpoint[], failedTarget: number, failedAttempt: number): void {
    const delay = this.options.retryDelaysMs[failedAttempt - 1]
    const target = this.options.spread === "round-robin" ? (failedTarget + 1) % endpoints.length : failedTarget
    if (delay !== undefined) {
      this.work.schedule(delay, () => this.attempt(event, endpoints, target, failedAttempt + 1))
    }
  }
}
