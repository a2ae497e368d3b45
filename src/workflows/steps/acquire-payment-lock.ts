import type { ILockingModule } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { setTimeout as sleep } from "node:timers/promises"
import { PAYMENT_WEBHOOKS_MODULE } from "../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../modules/payment-webhooks/service"
import { leaseTimings } from "../../modules/payment-webhooks/utils/lease-timing"
import { currentProcessingLease, leaseOwner } from "../../processing/lease"

export const acquirePaymentLockStepId = "acquire-payment-lock"

/** Input of `acquirePaymentLockStep`: the lock's key, and the row and attempt that take it. */
export interface AcquirePaymentLockInput {
  key: string | null
  event_id: string
  token: number
}

const RETRY_INTERVAL_MS = 300

/**
 * Takes the purchase's lock (the key Medusa's completeCartWorkflow locks, so the storefront and
 * this workflow never complete a cart together) for the attempt `token` of the row. Its expiry and
 * how long to wait for it derive from `processingLeaseMs`; the worker's heartbeat renews it with
 * the lease, so it outlives slow provider calls but not a dead worker. Compensation releases it.
 */
export const acquirePaymentLockStep = createStep(
  acquirePaymentLockStepId,
  async (input: AcquirePaymentLockInput, { container }) => {
    if (!input.key) {
      return new StepResponse(undefined, null)
    }
    const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
    const locking = container.resolve<ILockingModule>(Modules.LOCKING)
    const { lockTtlSeconds, lockTimeoutSeconds } = leaseTimings(inbox.options.processingLeaseMs)
    const owner = leaseOwner(input.event_id, input.token)
    const giveUpAt = Date.now() + lockTimeoutSeconds * 1000
    for (;;) {
      try {
        await locking.acquire(input.key, { ownerId: owner, expire: lockTtlSeconds })
        break
      } catch (error) {
        if (Date.now() >= giveUpAt) {
          throw error
        }
      }
      await sleep(RETRY_INTERVAL_MS)
    }
    currentProcessingLease()?.holdLock(input.key)
    return new StepResponse(undefined, { key: input.key, owner })
  },
  async (held, { container }) => {
    if (!held) {
      return
    }
    currentProcessingLease()?.dropLock(held.key)
    await container.resolve<ILockingModule>(Modules.LOCKING).release(held.key, { ownerId: held.owner })
  }
)
