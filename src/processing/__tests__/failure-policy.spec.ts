import { completeCartWorkflowId } from "@medusajs/core-flows"
import {
  CART_COMPLETION_STEP_ID,
  cartCannotBeCompleted,
  describeWorkflowErrors,
  PROVIDER_RETRY_WINDOW_MS,
  shouldRetry,
  type FailedAttempt,
} from "../failure-policy"

const now = new Date("2026-03-01T12:00:00Z")
const ago = (ms: number) => new Date(now.getTime() - ms)

function attempt(overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  return { attempts: 1, maxAttempts: 8, occurredAt: ago(1_000), now, ...overrides }
}

describe("shouldRetry", () => {
  it("is Stripe's three days of re-deliveries", () => {
    expect(PROVIDER_RETRY_WINDOW_MS).toBe(3 * 24 * 60 * 60 * 1000)
  })

  it("retries while attempts are left", () => {
    expect(shouldRetry(attempt({ attempts: 1 }))).toBe(true)
    expect(shouldRetry(attempt({ attempts: 7 }))).toBe(true)
  })

  it("stops after the last attempt", () => {
    expect(shouldRetry(attempt({ attempts: 8 }))).toBe(false)
    expect(shouldRetry(attempt({ attempts: 9 }))).toBe(false)
    expect(shouldRetry(attempt({ attempts: 1, maxAttempts: 1 }))).toBe(false)
  })

  it("retries a missing session for a fresh event (it may be being created right now)", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(60_000) }))).toBe(true)
  })

  it("gives up at once on a missing session for an event older than the provider's retry window", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(PROVIDER_RETRY_WINDOW_MS + 1) }))).toBe(false)
  })

  it("still retries an event exactly at the edge of the window", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: ago(PROVIDER_RETRY_WINDOW_MS) }))).toBe(true)
  })

  it("retries a missing session when the event time is unknown", () => {
    expect(shouldRetry(attempt({ errorType: "not_found", occurredAt: null }))).toBe(true)
  })

  it.each([undefined, "unexpected_state", "not_allowed", "db_error"])(
    "retries an old event that failed for another reason (%s)",
    (errorType) => {
      expect(shouldRetry(attempt({ errorType, occurredAt: ago(PROVIDER_RETRY_WINDOW_MS * 2) }))).toBe(true)
    }
  )
})

describe("describeWorkflowErrors", () => {
  it("keeps the first error's step, message and MedusaError type", () => {
    expect(
      describeWorkflowErrors([
        { action: "complete-cart-as-step", error: { message: "Some variant does not have the required inventory", type: "not_allowed" } },
        { action: "other", error: { message: "second" } },
      ])
    ).toEqual({
      message: "complete-cart-as-step: Some variant does not have the required inventory",
      type: "not_allowed",
      action: "complete-cart-as-step",
    })
  })

  it("takes a plain string error, and says so when there is nothing", () => {
    expect(describeWorkflowErrors([{ error: "boom" }])).toEqual({ message: "boom", type: undefined, action: undefined })
    expect(describeWorkflowErrors([]).message).toBe("unknown error")
  })

  it("trims long messages for last_error", () => {
    expect(describeWorkflowErrors([{ error: { message: "x".repeat(5000) } }]).message).toHaveLength(1000)
  })
})

describe("cartCannotBeCompleted", () => {
  it("is the step Medusa runs completeCartWorkflow as inside another workflow", () => {
    // Medusa names a sub-workflow run as a step `<workflow id>-as-step`; if that ever changes, this fails.
    expect(CART_COMPLETION_STEP_ID).toBe(`${completeCartWorkflowId}-as-step`)
  })

  it.each(["not_found", "not_allowed", "invalid_data", "payment_authorization_error"])(
    "gives the money back for a permanent %s failure of cart completion",
    (type) => {
      expect(cartCannotBeCompleted({ message: "m", type, action: CART_COMPLETION_STEP_ID })).toBe(true)
    }
  )

  it.each([["conflict"], ["unexpected_state"], ["db_error"], [undefined]])(
    "retries a transient (%s) failure of cart completion",
    (type) => {
      expect(cartCannotBeCompleted({ message: "m", type, action: CART_COMPLETION_STEP_ID })).toBe(false)
    }
  )

  it("never gives money back for a failure outside cart completion", () => {
    expect(cartCannotBeCompleted({ message: "m", type: "not_found", action: "resolve-payment-context" })).toBe(false)
    expect(cartCannotBeCompleted({ message: "m", type: "not_allowed", action: "capture-payment-as-step" })).toBe(false)
  })
})
