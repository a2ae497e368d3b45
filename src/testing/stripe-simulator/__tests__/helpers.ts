import http from "node:http"
import Stripe from "stripe"
import { startStripeSimulator, type StripeSimulator, type StripeSimulatorOptions } from "../index"

/** The key the specs' simulators require. */
export const API_KEY = "sk_test_simulator_spec"
/** The secret the specs' endpoints verify with. */
export const WEBHOOK_SECRET = "whsec_simulator_spec_secret"

/** One request the receiver got: the raw body and headers, and the event if its signature verified. */
export interface ReceivedRequest {
  body: string
  headers: http.IncomingHttpHeaders
  event?: Stripe.Event
}

/** A webhook endpoint that verifies every delivery with the SDK's `constructEvent`. */
export interface Receiver {
  url: string
  requests: ReceivedRequest[]
  /** The verified events, in arrival order. */
  events(): Stripe.Event[]
  /** Answer the next requests with these statuses (then 200). */
  answerNext(...statuses: number[]): void
  /** Answer every request with this status from now on. */
  answerAlways(status: number): void
  close(): Promise<void>
}

/** Starts a receiver on a free port that verifies signatures against `secret`. */
export async function startReceiver(secret = WEBHOOK_SECRET): Promise<Receiver> {
  const verifier = new Stripe("sk_test_verifier")
  const requests: ReceivedRequest[] = []
  const queued: number[] = []
  let fallback = 200
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      const received: ReceivedRequest = { body, headers: request.headers }
      requests.push(received)
      try {
        received.event = verifier.webhooks.constructEvent(body, String(request.headers["stripe-signature"]), secret)
      } catch {
        response.writeHead(400).end("bad signature")
        return
      }
      response.writeHead(queued.shift() ?? fallback, { "Content-Type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}/hooks/payment/stripe_stripe`,
    requests,
    events: () => requests.flatMap((request) => (request.event ? [request.event] : [])),
    answerNext: (...statuses) => queued.push(...statuses),
    answerAlways: (status) => {
      fallback = status
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A simulator delivering to a fresh receiver, and an SDK client pointed at the simulator. */
export interface Harness {
  simulator: StripeSimulator
  receiver: Receiver
  stripe: Stripe
  close(): Promise<void>
}

/** Starts a receiver and a simulator (port 0, fast retries) delivering to it; `clientConfig` tunes the SDK. */
export async function startHarness(
  options: StripeSimulatorOptions = {},
  clientConfig: Stripe.StripeConfig = {}
): Promise<Harness> {
  const receiver = await startReceiver()
  const simulator = await startStripeSimulator({
    port: 0,
    apiKey: API_KEY,
    endpoints: [{ url: receiver.url, secret: WEBHOOK_SECRET }],
    delivery: { retryDelaysMs: [20, 40, 60] },
    ...options,
  })
  return {
    simulator,
    receiver,
    stripe: stripeFor(simulator, clientConfig),
    close: async () => {
      await simulator.stop()
      await receiver.close()
    },
  }
}

/** An SDK client for the simulator; no automatic retries unless `config` asks for them. */
export function stripeFor(simulator: StripeSimulator, config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe(API_KEY, { ...simulator.stripeConfig(), maxNetworkRetries: 0, ...config })
}

/** The event types, in creation order, of the events about `objectId` (or every event). */
export function eventTypes(simulator: StripeSimulator, objectId?: string): string[] {
  return simulator.events
    .filter((event) => !objectId || relatesTo(event, objectId))
    .map((event) => event.type)
}

function relatesTo(event: Stripe.Event, objectId: string): boolean {
  const object = event.data.object as { id?: string; payment_intent?: unknown }
  return object.id === objectId || object.payment_intent === objectId
}
