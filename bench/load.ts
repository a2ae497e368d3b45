/**
 * Load generators and statistics for `bench/run.ts`: an open-loop generator (requests leave at fixed
 * intervals whatever the answers do; latency is counted from the moment a request was due, so a
 * stalled server is not hidden), autocannon for the closed-loop maximum, and percentiles.
 */
import http from "node:http"
import autocannon from "autocannon"
import Stripe from "stripe"

/** Latencies (ms, sorted ascending) and what the server answered. */
export interface LoadResult {
  offered: number
  seconds: number
  latencies: number[]
  statuses: Record<string, number>
  achieved: number
}

/** The value at percentile `p` (0-100) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) {
    return NaN
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const signer = new Stripe("sk_test_bench")
let sequence = 0

/**
 * A signed Stripe event as the dashboard of a shared Stripe account delivers it: alternately a
 * `payment_intent.succeeded` and a `charge.refunded`, each with a new id, for payments another
 * integration made (no `metadata.session_id`). Signed with the SDK's own test helper.
 */
export function signedStripeEvent(secret: string): { body: string; signature: string } {
  const index = sequence++
  const created = Math.floor(Date.now() / 1000)
  const object =
    index % 2 === 0
      ? {
          id: `pi_bench_${process.pid}_${index}`,
          object: "payment_intent",
          amount: 2500,
          amount_received: 2500,
          currency: "eur",
          capture_method: "automatic",
          latest_charge: `ch_bench_${index}`,
          metadata: {},
          payment_method: "pm_bench",
          payment_method_types: ["card"],
          status: "succeeded",
        }
      : {
          id: `ch_bench_${process.pid}_${index}`,
          object: "charge",
          amount: 2500,
          amount_captured: 2500,
          amount_refunded: 2500,
          currency: "eur",
          captured: true,
          metadata: {},
          payment_intent: null,
          refunded: true,
          status: "succeeded",
        }
  const body = JSON.stringify({
    id: `evt_bench_${process.pid}_${index}`,
    object: "event",
    api_version: "2024-06-20",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: index % 2 === 0 ? "payment_intent.succeeded" : "charge.refunded",
    data: { object },
  })
  return { body, signature: signer.webhooks.generateTestHeaderString({ payload: body, secret }) }
}

/**
 * Sends `rate` requests per second for `seconds`, evenly spaced, each on its own keep-alive socket
 * when the previous ones are still busy (open loop). Latency runs from the moment a request was due
 * to the end of its answer.
 */
export async function openLoop(url: string, secret: string, rate: number, seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 })
  const target = new URL(url)
  const total = Math.round(rate * seconds)
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const inFlight: Promise<void>[] = []
  const start = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const dueAt = start + (sent * 1000) / rate
        const { body, signature } = signedStripeEvent(secret)
        inFlight.push(
          send(agent, target, body, signature).then((status) => {
            latencies.push(performance.now() - dueAt)
            statuses[status] = (statuses[status] ?? 0) + 1
          })
        )
        sent += 1
      }
      if (sent >= total) {
        resolve()
        return
      }
      setTimeout(tick, Math.max(0, start + (sent * 1000) / rate - performance.now()))
    }
    tick()
  })
  await Promise.all(inFlight)
  const elapsed = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return { offered: rate, seconds: elapsed, latencies, statuses, achieved: total / elapsed }
}

function send(agent: http.Agent, target: URL, body: string, signature: string): Promise<string> {
  return new Promise((resolve) => {
    const request = http.request(target, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "stripe-signature": signature },
    })
    request.on("response", (response) => {
      response.resume()
      response.on("end", () => resolve(String(response.statusCode)))
    })
    request.on("error", (error) => resolve(`error:${(error as NodeJS.ErrnoException).code ?? error.message}`))
    request.end(body)
  })
}

/**
 * Closed loop with autocannon: `connections` connections each send the next event as soon as the
 * previous one was answered, until `amount` events were answered. Its throughput is the most the
 * app acknowledges per second.
 */
export async function closedLoop(url: string, secret: string, connections: number, amount: number): Promise<LoadResult> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const started = performance.now()
  const instance = autocannon({
    url,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        method: "POST",
        setupRequest: (request: Record<string, unknown>) => {
          const { body, signature } = signedStripeEvent(secret)
          return { ...request, body, headers: { "content-type": "application/json", "stripe-signature": signature } }
        },
      },
    ],
  })
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime)
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
  })
  const result = await instance
  const seconds = (performance.now() - started) / 1000
  for (const [kind, count] of [["error", result.errors], ["timeout", result.timeouts]] as const) {
    if (count) {
      statuses[kind] = count
    }
  }
  latencies.sort((a, b) => a - b)
  return { offered: 0, seconds, latencies, statuses, achieved: latencies.length / seconds }
}
