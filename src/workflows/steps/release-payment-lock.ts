import type { ILockingModule } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { currentProcessingLease, leaseOwner } from "../../processing/lease"

export const releasePaymentLockStepId = "release-payment-lock"

/**
 * Releases the purchase's lock taken by `acquirePaymentLockStep` for the same row and attempt.
 * Nothing to compensate: it is the last thing the workflow does before it reports its outcome.
 */
export const releasePaymentLockStep = createStep(
  releasePaymentLockStepId,
  async (input: { key: string | null; event_id: string; token: number }, { container }) => {
    if (!input.key) {
      return new StepResponse(false)
    }
    currentProcessingLease()?.dropLock(input.key)
    const released = await container
      .resolve<ILockingModule>(Modules.LOCKING)
      .release(input.key, { ownerId: leaseOwner(input.event_id, input.token) })
    return new StepResponse(released)
  }
)
