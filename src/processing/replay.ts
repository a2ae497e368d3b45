import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { replayPaymentWebhookWorkflow, type ReplayResult } from "../workflows/replay-payment-webhook"
import { inParallel } from "./drain"

/** How many rows of a bulk replay ended how; `refused` counts rows the replay workflow refused (gone, finished without force). */
export type ReplayCounts = Record<ReplayResult | "refused", number>

/**
 * Replays the rows of a bulk replay request, `recoveryConcurrency` at a time, each through
 * `replayPaymentWebhookWorkflow` (same checks, same claim, same dedupe rules as a single replay).
 * A row that cannot be replayed any more (it was finished meanwhile and `force` was not given, it
 * was deleted) is counted as refused; one row's failure never stops the others.
 */
export async function replayPaymentWebhooks(
  container: MedusaContainer,
  ids: string[],
  options: { force?: boolean; requested_by?: string | null } = {}
): Promise<ReplayCounts> {
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const counts: ReplayCounts = { processed: 0, failed: 0, dead: 0, lease_lost: 0, already_running: 0, skipped: 0, refused: 0 }
  await inParallel(ids, inbox.options.recoveryConcurrency, async (id) => {
    const { result, errors } = await replayPaymentWebhookWorkflow(container).run({
      input: { id, force: options.force, requested_by: options.requested_by ?? null },
      throwOnError: false,
    })
    counts[errors?.length ? "refused" : result.result] += 1
  })
  logger.info(`payment-webhook-replay ${JSON.stringify({ requested: ids.length, requested_by: options.requested_by ?? null, ...counts })}`)
  return counts
}
