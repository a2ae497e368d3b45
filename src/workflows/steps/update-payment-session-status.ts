import type { IPaymentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { nextSessionStatus, type SessionStatus } from "../utils/session-status"

/** The module's generated bulk update, which writes the row without calling the provider. */
type PaymentSessionWriter = IPaymentModuleService & {
  updatePaymentSessions(data: { id: string; status: string }): Promise<unknown>
}

type StatusChange = { applied: boolean; previous: string }
type StatusCompensation = { session_id: string; previous: string } | null

export const updatePaymentSessionStatusStepId = "update-payment-session-status"

/**
 * Moves a payment session to the status a webhook reported, forward only (see
 * `nextSessionStatus`). Returns whether the status was applied or superseded; compensation puts
 * back the previous status.
 */
export const updatePaymentSessionStatusStep = createStep(
  updatePaymentSessionStatusStepId,
  async (input: { session_id: string; status: SessionStatus }, { container }) => {
    const paymentModule = container.resolve<PaymentSessionWriter>(Modules.PAYMENT)
    const session = await paymentModule.retrievePaymentSession(input.session_id, { select: ["id", "status"] })
    const next = nextSessionStatus(session.status, input.status)
    if (!next) {
      return new StepResponse<StatusChange, StatusCompensation>(
        { applied: false, previous: session.status },
        null
      )
    }
    await paymentModule.updatePaymentSessions({ id: session.id, status: next })
    return new StepResponse<StatusChange, StatusCompensation>(
      { applied: true, previous: session.status },
      { session_id: session.id, previous: session.status }
    )
  },
  async (compensation, { container }) => {
    if (!compensation) {
      return
    }
    const paymentModule = container.resolve<PaymentSessionWriter>(Modules.PAYMENT)
    await paymentModule.updatePaymentSessions({ id: compensation.session_id, status: compensation.previous })
  }
)
