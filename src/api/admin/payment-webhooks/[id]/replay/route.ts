import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { replayPaymentWebhookWorkflow } from "../../../../../workflows/replay-payment-webhook"
import { retrieveAdminPaymentWebhook } from "../../helpers"
import type { AdminGetPaymentWebhookParamsType, AdminReplayPaymentWebhookType } from "../../validators"

/**
 * `POST /admin/payment-webhooks/:id/replay` (`{ force?: boolean }`): processes the row again now
 * (`replayPaymentWebhookWorkflow`) and answers the row as it is afterwards and what the replay did.
 */
export const POST = async (
  req: AuthenticatedMedusaRequest<AdminReplayPaymentWebhookType, AdminGetPaymentWebhookParamsType>,
  res: MedusaResponse
) => {
  const { result } = await replayPaymentWebhookWorkflow(req.scope).run({
    input: { id: req.params.id, force: req.validatedBody.force, requested_by: req.auth_context?.actor_id ?? null },
  })
  const payment_webhook = await retrieveAdminPaymentWebhook(req.scope, req.params.id, req.queryConfig.fields)
  res.json({ payment_webhook, result: result.result })
}
