import type { MedusaContainer } from "@medusajs/framework/types"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { processPaymentWebhookEvent, type ProcessOutcome } from "./process-event"

/** How many rows a drain ended how. */
export type DrainCounts = Record<ProcessOutcome, number>

let running: Promise<DrainCounts> | null = null

/**
 * Processes every row that is due - retries whose time has come, rows whose worker died (lease ran
 * out), rows whose trigger was lost - `recoveryConcurrency` at a time, until none is left. With
 * `receivedBefore` (at boot), `received` rows stored before it are taken at once. One drain runs
 * per process at a time; a second call while one runs joins it. Claims are atomic, so drains on
 * several processes never process a row twice.
 */
export function drainDuePaymentWebhooks(
  container: MedusaContainer,
  options: { receivedBefore?: Date } = {}
): Promise<DrainCounts> {
  running ??= drain(container, options).finally(() => {
    running = null
  })
  return running
}

async function drain(container: MedusaContainer, options: { receivedBefore?: Date }): Promise<DrainCounts> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const counts: DrainCounts = { processed: 0, skipped: 0, failed: 0, dead: 0, lease_lost: 0 }
  const seen = new Set<string>()
  for (;;) {
    const due = (await inbox.listDueEventIds({ receivedBefore: options.receivedBefore })).filter((id) => !seen.has(id))
    if (!due.length) {
      return counts
    }
    due.forEach((id) => seen.add(id))
    await inParallel(due, inbox.options.recoveryConcurrency, async (id) => {
      counts[await processPaymentWebhookEvent(container, id)] += 1
    })
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      await work(items[next++])
    }
  })
  await Promise.all(lanes)
}
