import { AsyncLocalStorage } from "node:async_hooks"
import { hostname } from "node:os"
import type { ILockingModule, Logger } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { leaseTimings, type LeaseTimings } from "../modules/payment-webhooks/utils/lease-timing"

/** Names the process in attempt records and logs: `host:pid`. */
export const WORKER_ID = `${hostname()}:${process.pid}`

/** Thrown (and recorded as the attempt's error) when a worker finds out it no longer holds its row. */
export class LeaseLostError extends MedusaError {
  constructor(eventId: string, token: number) {
    super(
      MedusaError.Types.CONFLICT,
      `lease_lost: attempt ${token} of payment webhook ${eventId} lost its lease; another worker owns the row now`
    )
  }
}

/**
 * A worker's hold on one claimed inbox row while it processes it. A heartbeat renews the row's lease
 * every third of `processingLeaseMs`, and with it the cart locks the worker took, so a live worker
 * keeps both however long a provider call takes, and a dead or frozen one loses both within one lease.
 *
 * `held` is false once a renewal was refused (another worker took over) or once more than a lease
 * has passed since the last successful renewal was sent (the process was frozen and cannot know
 * yet); work that moves money checks it first.
 */
export class ProcessingLease {
  /** The owner id of the cart locks this worker takes: unique per row and attempt. */
  readonly owner: string
  private readonly timings: LeaseTimings
  private renewedAt = Date.now()
  private lost = false
  private timer: NodeJS.Timeout | undefined
  private readonly locks = new Set<string>()

  constructor(
    readonly eventId: string,
    readonly token: number,
    private readonly deps: {
      inbox: PaymentWebhooksModuleService
      locking: ILockingModule
      logger: Logger
    }
  ) {
    this.owner = leaseOwner(eventId, token)
    this.timings = leaseTimings(deps.inbox.options.processingLeaseMs)
  }

  /** Derived cart-lock timings (expiry and wait). */
  get lockTimings(): Pick<LeaseTimings, "lockTtlSeconds" | "lockTimeoutSeconds"> {
    return this.timings
  }

  /** Whether this worker still owns the row (see the class comment). */
  get held(): boolean {
    // A tenth of the lease is kept as margin for the time the claim or renewal took to reach the database.
    return !this.lost && Date.now() < this.renewedAt + 0.9 * this.deps.inbox.options.processingLeaseMs
  }

  /** Throws `LeaseLostError` unless the lease is held. */
  assertHeld(): void {
    if (!this.held) {
      throw new LeaseLostError(this.eventId, this.token)
    }
  }

  /** Starts the heartbeat. */
  start(): void {
    this.timer = setInterval(() => void this.renew(), this.timings.heartbeatIntervalMs)
    this.timer.unref()
  }

  /** Stops the heartbeat; the final write of the attempt ends the lease. */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Renews the lease of `key` together with the row's (the lock was taken under `owner`). */
  holdLock(key: string): void {
    this.locks.add(key)
  }

  /** Stops renewing `key` (released). */
  dropLock(key: string): void {
    this.locks.delete(key)
  }

  private async renew(): Promise<void> {
    if (this.lost) {
      return
    }
    const sentAt = Date.now()
    let renewed: boolean
    try {
      renewed = await this.deps.inbox.renewLease(this.eventId, this.token)
    } catch (error) {
      // The database is unreachable: keep trying; `held` turns false when the lease has run out.
      this.deps.logger.warn(
        `payment-webhook ${JSON.stringify({ id: this.eventId, attempt: this.token, heartbeat: "failed", error: (error as Error).message })}`
      )
      return
    }
    if (!renewed) {
      this.lost = true
      this.stop()
      this.deps.logger.warn(
        `payment-webhook ${JSON.stringify({ id: this.eventId, attempt: this.token, status: "lease_lost", worker: WORKER_ID })}`
      )
      return
    }
    this.renewedAt = sentAt
    for (const key of this.locks) {
      await this.deps.locking
        .acquire(key, { ownerId: this.owner, expire: this.timings.lockTtlSeconds })
        .catch((error: Error) =>
          this.deps.logger.warn(
            `payment-webhook ${JSON.stringify({ id: this.eventId, attempt: this.token, lock: key, renewal: "failed", error: error.message })}`
          )
        )
    }
  }
}

/** The owner id under which attempt `token` of row `eventId` takes cart locks. */
export function leaseOwner(eventId: string, token: number): string {
  return `payment-webhook:${eventId}:${token}`
}

const activeLease = new AsyncLocalStorage<ProcessingLease>()

/** Runs `work` with `lease` as the current processing lease of everything it calls. */
export function withProcessingLease<T>(lease: ProcessingLease, work: () => Promise<T>): Promise<T> {
  return activeLease.run(lease, work)
}

/**
 * The lease of the webhook being processed by the calling code, if any. Providers can check it
 * before calling their API (`currentProcessingLease()?.assertHeld()`), so a worker that lost its
 * row moves no money.
 */
export function currentProcessingLease(): ProcessingLease | undefined {
  return activeLease.getStore()
}
