import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"

/** Rows deleted per statement, so a large backlog never holds long locks. */
const BATCH = 1000
/** Statements per run, at most: a backlog is worked off over several runs. */
const MAX_BATCHES = 100

const DAY_MS = 24 * 60 * 60 * 1000

/** What one retention run did. */
export interface PruneSummary {
  /** Rows finished before this moment were due. */
  cutoff: Date
  deleted: number
}

/**
 * The retention rule: deletes `processed` and `ignored` rows (and their attempt history) finished
 * more than `retentionDays` ago, in batches. `failed` and `dead` rows are kept until someone
 * resolves them; the inbox keeps customer data (addresses, emails in the payload) no longer than it
 * must.
 */
export async function prunePaymentWebhooks(container: MedusaContainer, now: Date = new Date()): Promise<PruneSummary> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const cutoff = new Date(now.getTime() - inbox.options.retentionDays * DAY_MS)
  let deleted = 0
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const removed = await inbox.pruneFinishedEvents(cutoff, BATCH)
    deleted += removed
    if (removed < BATCH) {
      break
    }
  }
  if (deleted) {
    container
      .resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      .info(`payment-webhook ${JSON.stringify({ status: "pruned", deleted, finished_before: cutoff.toISOString() })}`)
  }
  return { cutoff, deleted }
}
