import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { currentProcessingLease } from "../../processing/lease"

export const assertLeaseHeldStepId = "assert-lease-held"

/**
 * Stops the workflow (with `LeaseLostError`) when the worker running it has lost its hold on the
 * inbox row: another worker took the row over, so this one must not move money. Read-only.
 */
export const assertLeaseHeldStep = createStep(assertLeaseHeldStepId, async () => {
  currentProcessingLease()?.assertHeld()
  return new StepResponse(undefined)
})
