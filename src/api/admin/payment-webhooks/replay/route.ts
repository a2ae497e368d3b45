import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { queuePaymentWebhookReplaysWorkflow } from "../../../../workflows/queue-payment-webhook-replays"
import type { AdminReplayPaymentWebhooksType } from "../validators"

/**
 * `POST /admin/payment-webhooks/replay`: queues every replayable row matching the filters (at
 * least one; at most 500 rows, else 400 with the count) and answers 202 with how many, and which.
 */
export const POST = async (req: AuthenticatedMedusaRequest<AdminReplayPaymentWebhooksType>, res: MedusaResponse) => {
  const { force, ...filters } = req.validatedBody
  const { result } = await queuePaymentWebhookReplaysWorkflow(req.scope).run({
    input: { filters, force, requested_by: req.auth_context?.actor_id ?? null },
  })
  res.status(202).json(result)
}
