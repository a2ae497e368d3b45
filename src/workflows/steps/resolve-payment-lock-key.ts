import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { cartOfPaymentCollection } from "./resolve-payment-context"

export const resolvePaymentLockKeyStepId = "resolve-payment-lock-key"

/**
 * The lock that serialises everyone working on a purchase: its cart's id - the key Medusa's own
 * completeCartWorkflow locks, so the storefront and this workflow never complete a cart together -
 * else the session's id. Read-only. Throws NOT_FOUND when the session does not exist (yet), so the
 * row is retried; returns null without a session id (the row was not claimed).
 */
export const resolvePaymentLockKeyStep = createStep(
  resolvePaymentLockKeyStepId,
  async (input: { session_id: string | null }, { container }) => {
    if (!input.session_id) {
      return new StepResponse<string | null>(null)
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: sessions } = await query.graph({
      entity: "payment_session",
      fields: ["id", "payment_collection_id"],
      filters: { id: input.session_id },
    })
    if (!sessions[0]) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment session ${input.session_id} was not found`)
    }
    const cartId = await cartOfPaymentCollection(query as never, sessions[0].payment_collection_id)
    return new StepResponse<string | null>(cartId ?? input.session_id)
  }
)
