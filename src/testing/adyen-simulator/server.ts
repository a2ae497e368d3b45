import { randomBytes } from "node:crypto"
import http from "node:http"
import type { Types } from "@adyen/api-library"
import {
  EventCode,
  NotificationDispatcher,
  type AdyenWebhookEndpoint,
  type NotificationDeliveryOptions,
  type NotificationDeliveryRecord,
  type UnsignedItem,
} from "./notifications"

type Amount = { value: number; currency: string }

/** A Checkout session the simulator created. */
export type SimulatedSession = Types.checkout.CreateCheckoutSessionResponse & {
  status: "active" | "completed" | "refused"
  pspReferences: string[]
}

/** A payment made in a session, with what was captured, refunded or canceled (minor units). */
export type SimulatedPayment = {
  pspReference: string
  sessionId: string
  merchantAccount: string
  merchantReference: string
  amount: Amount
  manualCapture: boolean
  authorised: boolean
  captured: number
  refunded: number
  canceled: boolean
}

/** How to run a simulator; every field is optional. */
export interface AdyenSimulatorOptions {
  /** Port to listen on (on 127.0.0.1); 0, the default, picks a free one. */
  port?: number
  /** The key clients must send as `X-API-Key`; default `adyen_test_local`. */
  apiKey?: string
  /** Where notifications are delivered; none by default. */
  endpoints?: AdyenWebhookEndpoint[]
  /** How notifications are delivered. */
  delivery?: NotificationDeliveryOptions
}

/** The settings of the dev setup, shared with anything that talks to it. */
export const ADYEN_SIMULATOR_DEFAULTS = {
  port: 12112,
  apiKey: "adyen_test_local",
  merchantAccount: "MedusaTestECOM",
  hmacKey: "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056",
  webhookUrl: "http://localhost:9000/hooks/payment/adyen_adyen",
} as const

/** The Checkout API version the simulator answers (any `/v<n>` prefix is accepted). */
export const CHECKOUT_API_VERSION = "v72"

class AdyenApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly errorType = "validation"
  ) {
    super(message)
  }

  body() {
    return { status: this.status, errorCode: this.errorCode, message: this.message, errorType: this.errorType }
  }
}

const psp = () => randomBytes(8).toString("hex").toUpperCase().slice(0, 16)

/**
 * An offline stand-in for Adyen's Checkout API that `@adyen/api-library` talks to (through the
 * provider's `checkoutEndpoint` option): sessions, the shopper's payment (`pay`, what Drop-in does in
 * the browser), captures, refunds and cancels; and notifications of all of it, signed item by item
 * with the library's HMAC and delivered like Adyen (batches, retries, duplicates, shuffles).
 */
export class AdyenSimulator {
  /** Every delivery attempt, in the order they finished. */
  deliveries: NotificationDeliveryRecord[] = []
  /** Every notification item produced (unsigned), in order. */
  notifications: UnsignedItem[] = []
  private readonly server: http.Server
  private readonly dispatcher: NotificationDispatcher
  private readonly apiKey: string
  private readonly requestedPort: number
  private endpoints: AdyenWebhookEndpoint[]
  private readonly sessions = new Map<string, SimulatedSession>()
  private readonly payments = new Map<string, SimulatedPayment>()
  private readonly idempotent = new Map<string, { status: number; body: unknown }>()
  private failures: Array<{ path: RegExp; remaining: number }> = []

  /** Prepares a simulator; nothing listens until `start()`. */
  constructor(options: AdyenSimulatorOptions = {}) {
    this.apiKey = options.apiKey ?? ADYEN_SIMULATOR_DEFAULTS.apiKey
    this.requestedPort = options.port ?? 0
    this.endpoints = options.endpoints ?? []
    this.dispatcher = new NotificationDispatcher(
      () => [...this.endpoints],
      (delivery) => this.deliveries.push(delivery)
    )
    this.dispatcher.configure(options.delivery ?? {})
    this.server = http.createServer((request, response) => {
      this.serve(request, response).catch(() => response.destroy())
    })
  }

  /** The port listened on once started (the requested one before). */
  get port(): number {
    const address = this.server.address()
    return address && typeof address === "object" ? address.port : this.requestedPort
  }

  /** The Checkout API base URL, for the provider's `checkoutEndpoint` option. */
  get checkoutEndpoint(): string {
    return `http://127.0.0.1:${this.port}/${CHECKOUT_API_VERSION}`
  }

  /** Starts listening on 127.0.0.1. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject)
      this.server.listen(this.requestedPort, "127.0.0.1", () => resolve())
    })
  }

  /** Stops deliveries and the server. */
  async stop(): Promise<void> {
    await this.dispatcher.stop()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Replaces the webhook endpoints. */
  setEndpoints(endpoints: AdyenWebhookEndpoint[]): void {
    this.endpoints = [...endpoints]
  }

  /** Replaces the delivery settings (batches, duplicates, shuffles, retries). */
  setDelivery(options: NotificationDeliveryOptions): void {
    this.dispatcher.configure(options)
  }

  /** The next `count` API calls whose path matches answer 500, as an Adyen outage would. */
  failNext(path: RegExp, count: number): void {
    this.failures.push({ path, remaining: count })
  }

  /**
   * Keeps notifications from now on until `releaseNotifications()`: with `setDelivery({ batch: true })`
   * they then go out as one request, whatever time passed in between.
   */
  holdNotifications(): void {
    this.dispatcher.hold()
  }

  /** Sends the notifications `holdNotifications()` kept. */
  releaseNotifications(): void {
    this.dispatcher.resume()
  }

  /** Resolves once every notification has been delivered or given up (held ones are not waited for). */
  idle(): Promise<void> {
    return this.dispatcher.idle()
  }

  /** A session by id. */
  session(id: string): SimulatedSession | undefined {
    return this.sessions.get(id)
  }

  /** A payment by pspReference. */
  payment(pspReference: string): SimulatedPayment | undefined {
    return this.payments.get(pspReference)
  }

  /**
   * The shopper pays in the session, as Drop-in does in the browser: `authorised` (default) creates an
   * authorised payment, `refused` a refused one. Sends the AUTHORISATION notification; returns the pspReference.
   */
  pay(sessionId: string, outcome: "authorised" | "refused" = "authorised"): string {
    const session = this.sessions.get(sessionId)
    if (!session || session.status !== "active") {
      throw new AdyenApiError(422, "000", `The simulator has no active session ${sessionId}`)
    }
    const payment: SimulatedPayment = {
      pspReference: psp(),
      sessionId,
      merchantAccount: session.merchantAccount,
      merchantReference: session.reference,
      amount: { value: session.amount.value, currency: session.amount.currency },
      manualCapture: session.additionalData?.manualCapture === "true",
      authorised: outcome === "authorised",
      captured: 0,
      refunded: 0,
      canceled: false,
    }
    this.payments.set(payment.pspReference, payment)
    session.pspReferences.push(payment.pspReference)
    if (payment.authorised) {
      session.status = "completed"
      payment.captured = payment.manualCapture ? 0 : payment.amount.value
    }
    this.emit([
      this.itemFor(payment, EventCode.Authorisation, {
        pspReference: payment.pspReference,
        success: payment.authorised,
        ...(payment.authorised ? {} : { reason: "Refused" }),
      }),
    ])
    return payment.pspReference
  }

  /** A refund made in the Customer Area (not through the API); sends the REFUND notification. */
  refundFromCustomerArea(pspReference: string, value?: number): string {
    const payment = this.paymentOrThrow(pspReference)
    const amount = value ?? payment.captured - payment.refunded
    const refundPsp = psp()
    payment.refunded += amount
    this.emit([this.itemFor(payment, EventCode.Refund, { pspReference: refundPsp, value: amount })])
    return refundPsp
  }

  /** A dispute event on the payment (CHARGEBACK, NOTIFICATION_OF_CHARGEBACK, CHARGEBACK_REVERSED, ...). */
  dispute(pspReference: string, eventCode: EventCode, opts: { reason?: string; disputeStatus?: string } = {}): void {
    const payment = this.paymentOrThrow(pspReference)
    this.emit([
      this.itemFor(payment, eventCode, {
        pspReference: payment.pspReference,
        reason: opts.reason ?? "Fraudulent transaction",
        additionalData: {
          chargebackReasonCode: "10.4",
          ...(opts.disputeStatus && { disputeStatus: opts.disputeStatus }),
        },
      }),
    ])
  }

  /**
   * An unsigned notification item about a payment, as the simulator would send it. `pspReference`
   * defaults to a new one (a modification) with the payment's as `originalReference`.
   */
  itemFor(
    payment: SimulatedPayment,
    eventCode: EventCode,
    opts: {
      pspReference?: string
      success?: boolean
      value?: number
      reason?: string
      merchantReference?: string
      additionalData?: Record<string, string>
    } = {}
  ): UnsignedItem {
    const own = opts.pspReference ?? psp()
    return {
      pspReference: own,
      ...(own !== payment.pspReference && { originalReference: payment.pspReference }),
      eventCode,
      eventDate: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
      merchantAccountCode: payment.merchantAccount,
      merchantReference: opts.merchantReference ?? payment.merchantReference,
      amount: { value: opts.value ?? payment.amount.value, currency: payment.amount.currency },
      success: opts.success === false ? EventCodeSuccess.False : EventCodeSuccess.True,
      paymentMethod: "visa",
      ...(opts.reason && { reason: opts.reason }),
      ...(opts.additionalData && { additionalData: opts.additionalData }),
    }
  }

  /** Sends items as one request (a batch when there are several), through the delivery settings. */
  emit(items: UnsignedItem[]): void {
    this.notifications.push(...items)
    this.dispatcher.dispatch(items)
  }

  private paymentOrThrow(pspReference: string): SimulatedPayment {
    const payment = this.payments.get(pspReference)
    if (!payment) {
      throw new AdyenApiError(422, "167", "Original pspReference required for this operation")
    }
    return payment
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) {
      chunks.push(chunk as Buffer)
    }
    const url = new URL(request.url ?? "/", "http://localhost")
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" })
      response.end(JSON.stringify(body))
    }
    try {
      if (request.headers["x-api-key"] !== this.apiKey) {
        throw new AdyenApiError(401, "000", "HTTP Status Response - Unauthorized", "security")
      }
      const failure = this.failures.find((rule) => rule.remaining > 0 && rule.path.test(url.pathname))
      if (failure) {
        failure.remaining -= 1
        throw new AdyenApiError(500, "905", "Internal error (simulated)", "internal")
      }
      const key = request.headers["idempotency-key"]
      const idempotencyKey = typeof key === "string" ? `${request.method} ${url.pathname} ${key}` : null
      const earlier = idempotencyKey ? this.idempotent.get(idempotencyKey) : undefined
      if (earlier) {
        answer(earlier.status, earlier.body)
        return
      }
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {}
      const result = this.route(request.method ?? "GET", url, body)
      if (idempotencyKey) {
        this.idempotent.set(idempotencyKey, result)
      }
      answer(result.status, result.body)
    } catch (error) {
      const apiError =
        error instanceof AdyenApiError ? error : new AdyenApiError(400, "702", `Structure could not be parsed: ${(error as Error).message}`)
      answer(apiError.status, apiError.body())
    }
  }

  private route(method: string, url: URL, body: Record<string, unknown>): { status: number; body: unknown } {
    const path = url.pathname.replace(/^\/v\d+/, "")
    if (method === "POST" && path === "/sessions") {
      return { status: 201, body: this.createSession(body) }
    }
    const shopperPays = /^\/simulator\/sessions\/([^/]+)\/pay$/.exec(url.pathname)
    if (method === "POST" && shopperPays) {
      const outcome = body.outcome === "refused" ? "refused" : "authorised"
      return { status: 200, body: { pspReference: this.pay(shopperPays[1], outcome), outcome } }
    }
    const modification = /^\/payments\/([^/]+)\/(captures|refunds|cancels)$/.exec(path)
    if (method === "POST" && modification) {
      return { status: 201, body: this.modify(modification[1], modification[2], body) }
    }
    throw new AdyenApiError(404, "000", `No such endpoint: ${method} ${url.pathname}`)
  }

  private createSession(body: Record<string, unknown>): SimulatedSession {
    const request = body as unknown as Types.checkout.CreateCheckoutSessionRequest
    for (const field of ["merchantAccount", "reference", "returnUrl"] as const) {
      if (typeof request[field] !== "string" || !request[field]) {
        throw new AdyenApiError(422, "14_030", `Required field '${field}' is not provided.`)
      }
    }
    if (!Number.isInteger(request.amount?.value) || typeof request.amount?.currency !== "string") {
      throw new AdyenApiError(422, "14_030", "Required field 'amount' is not provided.")
    }
    // The request's fields come back as they were sent (dates stay ISO strings on the wire).
    const session = {
      ...(request as unknown as Omit<Types.checkout.CreateCheckoutSessionResponse, "id" | "expiresAt">),
      id: `CS${psp()}`,
      sessionData: randomBytes(24).toString("base64"),
      expiresAt: new Date(Date.now() + 3_600_000),
      mode: "embedded" as Types.checkout.CreateCheckoutSessionResponse.ModeEnum,
      status: "active",
      pspReferences: [],
    } as SimulatedSession
    this.sessions.set(session.id, session)
    const { status: _status, pspReferences: _psps, ...response } = session
    return response as SimulatedSession
  }

  private modify(pspReference: string, kind: string, body: Record<string, unknown>): Record<string, unknown> {
    const payment = this.paymentOrThrow(pspReference)
    if (body.merchantAccount !== payment.merchantAccount) {
      throw new AdyenApiError(403, "901", "Invalid Merchant Account", "security")
    }
    const amount = body.amount as Amount | undefined
    const value = amount?.value ?? payment.amount.value
    const reference = typeof body.reference === "string" ? body.reference : undefined
    const own = psp()
    const success = this.applyModification(payment, kind, value)
    const eventCode = kind === "captures" ? EventCode.Capture : kind === "refunds" ? EventCode.Refund : EventCode.Cancellation
    this.emit([this.itemFor(payment, eventCode, { pspReference: own, success, value, merchantReference: reference })])
    return {
      merchantAccount: payment.merchantAccount,
      paymentPspReference: payment.pspReference,
      pspReference: own,
      ...(reference && { reference }),
      ...(kind !== "cancels" && { amount: { value, currency: payment.amount.currency } }),
      status: "received",
    }
  }

  /** Applies a modification; false (the notification reports the failure) when the payment cannot take it. */
  private applyModification(payment: SimulatedPayment, kind: string, value: number): boolean {
    if (!payment.authorised || payment.canceled) {
      return false
    }
    if (kind === "captures") {
      if (payment.captured + value > payment.amount.value) {
        return false
      }
      payment.captured += value
    } else if (kind === "refunds") {
      if (payment.refunded + value > payment.captured) {
        return false
      }
      payment.refunded += value
    } else {
      if (payment.captured > 0) {
        return false
      }
      payment.canceled = true
    }
    return true
  }
}

const EventCodeSuccess = {
  True: "true" as Types.notification.NotificationRequestItem.SuccessEnum,
  False: "false" as Types.notification.NotificationRequestItem.SuccessEnum,
}

/** Starts a simulator and resolves once it listens. */
export async function startAdyenSimulator(options?: AdyenSimulatorOptions): Promise<AdyenSimulator> {
  const simulator = new AdyenSimulator(options)
  await simulator.start()
  return simulator
}
