import http from "node:http"
import type Stripe from "stripe"
import { DASHBOARD_PREFIX, handleDashboardRequest } from "./dashboard"
import { resourceMissing, StripeApiError } from "./errors"
import { decodeForm, type FormObject } from "./form"
import { IdempotencyStore, type StoredResponse } from "./idempotency"
import { API_VERSION, newId } from "./objects"
import { handleApiCall } from "./routes"
import { DASHBOARD, type EventOrigin, StripeState } from "./state"
import { type DeliveryOptions, type DeliveryRecord, type SimulatorEndpoint, WebhookDispatcher } from "./webhooks"

/** How to run a simulator; every field is optional. */
export interface StripeSimulatorOptions {
  /** Port to listen on (on 127.0.0.1); 0, the default, picks a free one. */
  port?: number
  /** The key clients must send as `Authorization: Bearer <apiKey>`; default `sk_test_local`. */
  apiKey?: string
  /** Where events are delivered; none by default. */
  endpoints?: SimulatorEndpoint[]
  /** How events are delivered; see `DeliveryOptions`. */
  delivery?: DeliveryOptions
}

/** The settings of the dev setup (`cli.ts`), shared with anything that talks to it. */
export const SIMULATOR_DEFAULTS = {
  port: 12111,
  apiKey: "sk_test_local",
  webhookSecret: "whsec_local_development_secret",
  webhookUrl: "http://localhost:9000/hooks/payment/stripe_stripe",
} as const

type FailureMode = "error" | "error_after_effect" | "timeout"

interface FailureRule {
  method?: string
  path: RegExp | string
  remaining: number
  mode: FailureMode
}

/**
 * An offline stand-in for api.stripe.com that the real `stripe` SDK talks to over HTTP. It keeps payment intents,
 * charges, refunds, disputes and customers in memory, answers like Stripe (shapes, errors, idempotency), and
 * delivers signed events to webhook endpoints the way Stripe does, retries included.
 */
export class StripeSimulator {
  /** Every delivery attempt, in the order they finished. */
  deliveries: DeliveryRecord[] = []
  private readonly server: http.Server
  private readonly state: StripeState
  private readonly dispatcher: WebhookDispatcher
  private readonly idempotency = new IdempotencyStore()
  private readonly apiKey: string
  private readonly requestedPort: number
  private endpoints: SimulatorEndpoint[] = []
  private failures: FailureRule[] = []

  /** Prepares a simulator; nothing listens until `start()`. */
  constructor(options: StripeSimulatorOptions = {}) {
    this.apiKey = options.apiKey ?? SIMULATOR_DEFAULTS.apiKey
    this.requestedPort = options.port ?? 0
    this.setEndpoints(options.endpoints ?? [])
    this.dispatcher = new WebhookDispatcher((delivery) => this.deliveries.push(delivery))
    this.dispatcher.configure(options.delivery ?? {})
    this.state = new StripeState({
      endpointCount: () => this.endpoints.length,
      publish: (event) => this.dispatcher.dispatch(event, [...this.endpoints]),
      redirectUrl: (paymentIntentId) => `${this.url}${DASHBOARD_PREFIX}/redirect/${paymentIntentId}`,
    })
    this.server = http.createServer((request, response) => {
      // A request whose body cannot be read has lost its connection; there is no one left to answer.
      this.serve(request, response).catch(() => response.destroy())
    })
  }

  /** The port listened on once started (the requested one before). */
  get port(): number {
    const address = this.server.address()
    return address && typeof address === "object" ? address.port : this.requestedPort
  }

  /** The base URL, e.g. `http://localhost:12111`. */
  get url(): string {
    return `http://localhost:${this.port}`
  }

  /** Every event produced, in creation order. */
  get events(): Stripe.Event[] {
    return this.state.events
  }

  /** Starts listening on 127.0.0.1. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject)
      this.server.listen(this.requestedPort, "127.0.0.1", () => {
        this.server.off("error", reject)
        resolve()
      })
    })
  }

  /** How many injected failures (`failNext`) have not been used yet: 0 once the last one was hit. */
  pendingFailures(): number {
    return this.failures.reduce((total, rule) => total + rule.remaining, 0)
  }

  /** Drops every injected failure not used yet: the API answers normally again (hung requests stay hung). */
  clearFailures(): void {
    this.failures = []
  }

  /** Closes the server and every open connection (hung requests included) and cancels pending deliveries. */
  async stop(): Promise<void> {
    if (this.server.listening) {
      await new Promise<void>((resolve, reject) => {
        this.server.close((error) => (error ? reject(error) : resolve()))
        this.server.closeAllConnections()
      })
    }
    await this.dispatcher.stop()
  }

  /** Options for `new Stripe(key, { ...simulator.stripeConfig() })` so the SDK talks to this simulator. */
  stripeConfig(): { host: string; port: number; protocol: "http" } {
    return { host: "localhost", port: this.port, protocol: "http" }
  }

  /** Adds a webhook endpoint; later events are delivered to it too. */
  addEndpoint(endpoint: SimulatorEndpoint): void {
    this.endpoints = [...this.endpoints, checkedEndpoint(endpoint)]
  }

  /** Replaces the webhook endpoints for later events. */
  setEndpoints(endpoints: SimulatorEndpoint[]): void {
    this.endpoints = endpoints.map(checkedEndpoint)
  }

  /** Replaces the delivery settings for later events; fields left out go back to their defaults. */
  setDelivery(options: DeliveryOptions): void {
    this.dispatcher.configure(options)
  }

  /**
   * Makes the next `count` API calls matching `match` fail. `error` answers a 500 `api_error` without any effect
   * (the SDK retries it when `maxNetworkRetries` allows) and does not keep the idempotency key, so a retry with it
   * takes effect once. `timeout` never answers, without any effect, so the client times out. `error_after_effect`
   * lets the call take effect, then answers a 500 `api_error` and keeps that 500 as the key's answer: as on Stripe,
   * which saves an idempotent result once the endpoint started executing, 500s included, a retry with the same
   * key gets the 500 again. A string `path` must equal the request path; a RegExp is tested against it.
   */
  failNext(match: { method?: string; path: RegExp | string }, count: number, mode: FailureMode): void {
    if (count > 0) {
      this.failures.push({ method: match.method?.toUpperCase(), path: match.path, remaining: count, mode })
    }
  }

  /**
   * Settles a `processing` intent (async methods) as paid, or completes a `requires_action` redirect or
   * authentication, as the customer would; returns the intent as it is then.
   */
  async succeedPending(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return structuredClone(this.state.settlePending(paymentIntentId, "succeed", DASHBOARD))
  }

  /** Fails a `processing` intent's payment, or a `requires_action` redirect or authentication. */
  async failPending(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return structuredClone(this.state.settlePending(paymentIntentId, "fail", DASHBOARD))
  }

  /** Refunds `amount` (default: what remains) of a succeeded intent, as from the dashboard. */
  async refundFromDashboard(paymentIntentId: string, amount?: number): Promise<Stripe.Refund> {
    const params = { payment_intent: paymentIntentId, ...(amount !== undefined && { amount: String(amount) }) }
    return structuredClone(this.state.createRefund(params, DASHBOARD))
  }

  /** Opens a dispute (default reason `fraudulent`) on the intent's captured charge. */
  async openDispute(paymentIntentId: string, opts: { reason?: string } = {}): Promise<Stripe.Dispute> {
    return structuredClone(this.state.openDispute(paymentIntentId, opts.reason ?? "fraudulent", DASHBOARD))
  }

  /** Moves a dispute to `status`; `won`, `lost` and `warning_closed` close it (`charge.dispute.closed`). */
  async updateDispute(disputeId: string, status: Stripe.Dispute.Status): Promise<Stripe.Dispute> {
    return structuredClone(this.state.updateDispute(disputeId, status, DASHBOARD))
  }

  /** Delivers a stored event again, unchanged (same id), to the current endpoints, as Stripe's "Resend". */
  resendEvent(eventId: string): Stripe.Event {
    const event = this.state.events.find((candidate) => candidate.id === eventId)
    if (!event) {
      throw resourceMissing("event", eventId, "id")
    }
    this.dispatcher.dispatch(event, [...this.endpoints])
    return event
  }

  /** Copies of the newest `limit` payment intents, newest first. */
  recentPaymentIntents(limit: number): Stripe.PaymentIntent[] {
    return this.state.allPaymentIntents().slice(0, limit)
  }

  /** Copies of every dispute, newest first. */
  disputes(): Stripe.Dispute[] {
    return this.state.allDisputes()
  }

  /** Builds an event of any type around `object` and delivers it like the simulator's own events. */
  async sendEvent(type: string, object: object): Promise<Stripe.Event> {
    return this.state.emit(type, object, DASHBOARD)
  }

  /** A copy of the payment intent as stored, or undefined. */
  paymentIntent(id: string): Stripe.PaymentIntent | undefined {
    return this.state.findPaymentIntent(id)
  }

  /** How many capture calls took effect on this payment intent (replays and failed calls do not count). */
  effectiveCaptures(paymentIntentId: string): number {
    return this.state.effectiveCaptures(paymentIntentId)
  }

  /** Resolves when no delivery is buffered, scheduled or in flight. */
  idle(): Promise<void> {
    return this.dispatcher.idle()
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase()
    const url = new URL(request.url ?? "/", "http://localhost")
    const body = await readBody(request)
    if (url.pathname === DASHBOARD_PREFIX || url.pathname.startsWith(`${DASHBOARD_PREFIX}/`)) {
      const answer = await handleDashboardRequest(this, method, url, request.headers, body)
      response.writeHead(answer.status, { ...answer.headers, "Content-Length": Buffer.byteLength(answer.body) })
      response.end(answer.body)
      return
    }
    const idempotencyKey = method === "POST" ? singleHeader(request.headers["idempotency-key"]) : undefined
    const requestId = newId("req").slice(0, 18)
    const origin: EventOrigin = { id: requestId, idempotency_key: idempotencyKey ?? null }
    const headers: http.OutgoingHttpHeaders = {
      "Request-Id": requestId,
      "Stripe-Version": singleHeader(request.headers["stripe-version"]) ?? API_VERSION,
      ...(idempotencyKey && { "Idempotency-Key": idempotencyKey }),
    }
    let answer: StoredResponse
    try {
      this.authenticate(singleHeader(request.headers.authorization))
      const failure = this.takeFailure(method, url.pathname)
      if (failure === "timeout") {
        // Left unanswered on purpose: the client times out, or stop() closes the connection.
        return
      }
      if (failure === "error") {
        throw simulatedApiError()
      }
      const params = decodeForm(method === "POST" ? body : url.search.slice(1))
      const endpoint = `${method} ${url.pathname}`
      const replayed = idempotencyKey ? this.idempotency.replay(idempotencyKey, endpoint, params) : undefined
      if (replayed) {
        headers["Idempotent-Replayed"] = "true"
        answer = replayed
      } else {
        answer = this.execute(method, url.pathname, params, origin)
        if (failure === "error_after_effect") {
          answer = errorAnswer(simulatedApiError())
        }
        if (idempotencyKey && (answer.status < 500 || failure === "error_after_effect")) {
          this.idempotency.remember(idempotencyKey, endpoint, params, answer)
        }
      }
    } catch (error) {
      answer = errorAnswer(error)
    }
    response.writeHead(answer.status, {
      ...headers,
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(answer.body),
    })
    response.end(answer.body)
  }

  private execute(method: string, path: string, params: FormObject, origin: EventOrigin): StoredResponse {
    try {
      const result = handleApiCall(this.state, method, path, params, origin)
      return { status: 200, body: JSON.stringify(result, null, 2) }
    } catch (error) {
      if (error instanceof StripeApiError) {
        return errorAnswer(error)
      }
      throw error
    }
  }

  private authenticate(authorization: string | undefined): void {
    if (!authorization) {
      throw new StripeApiError(401, {
        type: "invalid_request_error",
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using " +
          "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      })
    }
    const [scheme, credentials = ""] = authorization.split(" ", 2)
    const key =
      scheme === "Basic" ? Buffer.from(credentials, "base64").toString("utf8").split(":")[0] : credentials
    if (!["Bearer", "Basic"].includes(scheme) || key !== this.apiKey) {
      throw new StripeApiError(401, {
        type: "invalid_request_error",
        message: `Invalid API Key provided: ${redacted(key)}`,
      })
    }
  }

  private takeFailure(method: string, path: string): FailureMode | undefined {
    const rule = this.failures.find(
      (candidate) =>
        (!candidate.method || candidate.method === method) &&
        (typeof candidate.path === "string" ? candidate.path === path : candidate.path.test(path))
    )
    if (!rule) {
      return undefined
    }
    rule.remaining -= 1
    this.failures = this.failures.filter((candidate) => candidate.remaining > 0)
    return rule.mode
  }
}

/** Creates a simulator and starts it. */
export async function startStripeSimulator(options?: StripeSimulatorOptions): Promise<StripeSimulator> {
  const simulator = new StripeSimulator(options)
  await simulator.start()
  return simulator
}

function checkedEndpoint(endpoint: SimulatorEndpoint): SimulatorEndpoint {
  const { protocol } = new URL(endpoint.url)
  if (protocol !== "http:" && protocol !== "https:") {
    throw new TypeError(`Webhook endpoint ${endpoint.url} must be an http(s) URL`)
  }
  return { ...endpoint }
}

function simulatedApiError(): StripeApiError {
  return new StripeApiError(500, { type: "api_error", message: "An unknown error occurred (simulated)." })
}

function errorAnswer(error: unknown): StoredResponse {
  const failure =
    error instanceof StripeApiError
      ? error
      : new StripeApiError(500, { type: "api_error", message: `Simulator failure: ${String(error)}` })
  return { status: failure.statusCode, body: JSON.stringify({ error: failure.body }, null, 2) }
}

/** A key shown the way Stripe shows it in errors: `sk_test_****************1234`. */
function redacted(key: string): string {
  return `${key.slice(0, 8)}${"*".repeat(Math.max(key.length - 12, 0))}${key.slice(-4)}`
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })
}
