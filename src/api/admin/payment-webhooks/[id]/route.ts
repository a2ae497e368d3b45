import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retrieveAdminPaymentWebhook } from "../helpers"
import type { AdminGetPaymentWebhookParamsType } from "../validators"

/** `GET /admin/payment-webhooks/:id`: the row, with its `payload` and its `attempt_history`. */
export const GET = async (req: AuthenticatedMedusaRequest<unknown, AdminGetPaymentWebhookParamsType>, res: MedusaResponse) => {
  const payment_webhook = await retrieveAdminPaymentWebhook(req.scope, req.params.id, req.queryConfig.fields)
  res.json({ payment_webhook })
}
