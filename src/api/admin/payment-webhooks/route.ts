import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../../modules/payment-webhooks/service"
import { toEventFilters, type PaymentWebhookFilters } from "../../../modules/payment-webhooks/utils/filters"
import { PAYMENT_WEBHOOK_ENTITY } from "./query-config"
import type { AdminGetPaymentWebhooksParamsType } from "./validators"

/**
 * `GET /admin/payment-webhooks`: a page of inbox rows (newest first unless `order` says otherwise,
 * without `payload` unless `fields` asks for it), and `summary`: how many rows each status has
 * under the same filters except `status`.
 */
export const GET = async (req: AuthenticatedMedusaRequest<unknown, AdminGetPaymentWebhooksParamsType>, res: MedusaResponse) => {
  const filters = req.filterableFields as PaymentWebhookFilters
  const { order, ...pagination } = req.queryConfig.pagination ?? {}
  const [{ data: payment_webhooks, metadata }, summary] = await Promise.all([
    req.scope.resolve(ContainerRegistrationKeys.QUERY).graph({
      entity: PAYMENT_WEBHOOK_ENTITY,
      fields: req.queryConfig.fields,
      filters: toEventFilters(filters),
      // The id breaks ties (rows stored in the same instant), so pages never overlap or skip.
      pagination: { ...pagination, order: { ...(order ?? {}), id: (order as Record<string, string> | undefined)?.id ?? "DESC" } },
    }),
    req.scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).summarizeEventStatuses(toEventFilters(filters, { omitStatus: true })),
  ])
  res.json({ payment_webhooks, count: metadata?.count ?? 0, offset: metadata?.skip ?? 0, limit: metadata?.take ?? 0, summary })
}
