import type { ILockingModule, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { currentProcessingLease, leaseOwner } from "../../processing/lease"

export const releasePaymentLockStepId = "release-payment-lock"

/**
 * Releases the purchase's lock taken by `acquirePaymentLockStep` for the same row and attempt.
 * Nothing to compensate: it is the last thing the workflow does before it reports its outcome.
 *
 * It never fails: it runs after the cart completion, and a failing step there would make the
 * workflow revert the completion (delete the order, void the payment). A lock that could not be
 * released (the locking module's Redis is down) is logged and expires with its timeout.
 */
export const releasePaymentLockStep = createStep(
  releasePaymentLockStepId,
  async (input: { key: string | null; event_id: string; token: number }, { container }) => {
    if (!input.key) {
      return new StepResponse(false)
    }
    currentProcessingLease()?.dropLock(input.key)
    try {
      const released = await container
        .resolve<ILockingModule>(Modules.LOCKING)
        .release(input.key, { ownerId: leaseOwner(input.event_id, input.token) })
      return new StepResponse(released)
    } catch (error) {
      container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(
        `payment-webhook ${JSON.stringify({
          id: input.event_id,
          attempt: input.token,
          status: "lock_release_failed",
          error: (error as Error).message?.slice(0, 300),
        })}`
      )
      return new StepResponse(false)
    }
  }
)
