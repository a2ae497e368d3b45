import type { ILockingModule, Logger } from "@medusajs/framework/types"
import Stripe from "stripe"
import type PaymentWebhooksModuleService from "../../../modules/payment-webhooks/service"
import { LeaseLostError, ProcessingLease, withProcessingLease } from "../../../processing/lease"
import { createFencedHttpClient } from "../fenced-http-client"
import { API_KEY, startHarness, type Harness } from "./harness"

let h: Harness & { stop: () => Promise<void> }
const leases: ProcessingLease[] = []

beforeAll(async () => {
  h = await startHarness()
})
afterEach(() => leases.splice(0).forEach((lease) => lease.stop()))
afterAll(() => h.stop())

/**
 * A real processing lease whose heartbeat renews it every 100 ms for as long as the inbox agrees;
 * `takeOver()` makes the inbox refuse the next renewal, as when another worker claimed the row.
 */
function leaseOnRow() {
  let takenOver = false
  const inbox = {
    options: { processingLeaseMs: 300 },
    renewLease: async () => !takenOver,
  } as unknown as PaymentWebhooksModuleService
  const logger = { warn: () => undefined } as unknown as Logger
  const lease = new ProcessingLease("pwe_fence", 1, { inbox, locking: {} as ILockingModule, logger })
  lease.start()
  leases.push(lease)
  const takeOver = async () => {
    takenOver = true
    await waitUntil(() => !lease.held)
  }
  return { lease, takeOver }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** An SDK client on the simulator with the fenced HTTP client, and every attempt it started. */
function fencedStripe(maxNetworkRetries = 0) {
  const stripe = new Stripe(API_KEY, { ...h.sim.stripeConfig(), maxNetworkRetries, httpClient: createFencedHttpClient() })
  const attempts: Stripe.RequestEvent[] = []
  stripe.on("request", (request: Stripe.RequestEvent) => attempts.push(request))
  return { stripe, attempts }
}

async function authorizedIntent(stripe: Stripe): Promise<Stripe.PaymentIntent> {
  return stripe.paymentIntents.create({
    amount: 2000,
    currency: "eur",
    capture_method: "manual",
    payment_method: "pm_card_visa",
    payment_method_types: ["card"],
    confirm: true,
  })
}

describe("the fenced HTTP client", () => {
  it("lets requests out outside processing, and while the lease is held", async () => {
    const { stripe } = fencedStripe()
    const intent = await authorizedIntent(stripe)
    const { lease } = leaseOnRow()
    const captured = await withProcessingLease(lease, () => stripe.paymentIntents.capture(intent.id))
    expect(captured.status).toBe("succeeded")
    expect(h.sim.effectiveCaptures(intent.id)).toBe(1)
  })

  it("refuses every request of a worker that lost its row, with the lease's LeaseLostError", async () => {
    const { stripe, attempts } = fencedStripe()
    const intent = await authorizedIntent(stripe)
    const { lease, takeOver } = leaseOnRow()
    await takeOver()

    const error = await withProcessingLease(lease, () => stripe.paymentIntents.capture(intent.id)).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError)
    const refusal = (error as { detail?: unknown }).detail
    expect(refusal).toBeInstanceOf(LeaseLostError)
    expect(refusal).toMatchObject({ message: expect.stringMatching(/^lease_lost: attempt 1 of payment webhook pwe_fence/) })
    expect(attempts.filter((attempt) => attempt.path.endsWith("/capture"))).toHaveLength(1)
    expect(h.sim.paymentIntent(intent.id)?.status).toBe("requires_capture")
    expect(h.sim.effectiveCaptures(intent.id)).toBe(0)
  })

  it("refuses the SDK's own retry when the row was lost after the first attempt", async () => {
    const { stripe, attempts } = fencedStripe(2)
    const intent = await authorizedIntent(stripe)
    const { lease, takeOver } = leaseOnRow()
    h.sim.failNext({ method: "POST", path: `/v1/payment_intents/${intent.id}/capture` }, 1, "error")
    // Once the first attempt reached Stripe (and got its 500), the row is taken over; the SDK waits at
    // least 500 ms before retrying, the lease is lost within a heartbeat (100 ms).
    void waitUntil(() => h.sim.pendingFailures() === 0).then(takeOver)

    const error = await withProcessingLease(lease, () => stripe.paymentIntents.capture(intent.id)).catch((e: unknown) => e)

    expect((error as { detail?: unknown }).detail).toBeInstanceOf(LeaseLostError)
    expect(h.sim.pendingFailures()).toBe(0)
    // The first attempt and both retries were made by the SDK; only the first went out.
    expect(attempts.filter((attempt) => attempt.path.endsWith("/capture"))).toHaveLength(3)
    expect(h.sim.paymentIntent(intent.id)?.status).toBe("requires_capture")
    expect(h.sim.effectiveCaptures(intent.id)).toBe(0)
  })
})

describe("the Stripe provider's client is fenced", () => {
  it("a provider call of a worker that lost its row fails with LeaseLostError and moves no money", async () => {
    const provider = h.provider()
    const { id } = await provider.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: "payses_fence" } })
    await h.storefront.paymentIntents.confirm(id, { payment_method: "pm_card_visa" })
    const { lease, takeOver } = leaseOnRow()
    await takeOver()

    const error = await withProcessingLease(lease, () => provider.capturePayment({ data: { id } })).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(LeaseLostError)
    expect(h.sim.effectiveCaptures(id)).toBe(0)
    await expect(provider.capturePayment({ data: { id } })).resolves.toMatchObject({ data: { status: "succeeded" } })
  })
})
