import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../../../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../../../modules/payment-webhooks/service"
import type { PaymentWebhookAttemptDTO } from "../../../modules/payment-webhooks/types"
import { PAYMENT_WEBHOOK_ENTITY } from "./query-config"

/** An attempt as the admin API shows it. */
export type AdminPaymentWebhookAttempt = Omit<PaymentWebhookAttemptDTO, "event_id">

/** A row as the admin API shows it: the requested fields, and on one row its attempt records. */
export type AdminPaymentWebhook = Record<string, unknown> & { id: string; attempt_history?: AdminPaymentWebhookAttempt[] }

/**
 * One inbox row with the requested `fields` (Medusa's Query) and its attempt records, oldest first,
 * as `attempt_history` (`attempts` is the row's attempt count). NOT_FOUND (404) when there is no
 * such row.
 */
export async function retrieveAdminPaymentWebhook(
  scope: MedusaContainer,
  id: string,
  fields: string[]
): Promise<AdminPaymentWebhook> {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const {
    data: [row],
  } = await query.graph({ entity: PAYMENT_WEBHOOK_ENTITY, fields, filters: { id } })
  if (!row) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment webhook with id: ${id} was not found`)
  }
  const attempts = await scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).listEventAttempts(id)
  return { ...row, attempt_history: attempts.map(({ event_id: _event, ...attempt }) => attempt) }
}
