import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { IEventBusModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { WebhookHttpError } from "../../../../endpoint/http-errors"
import { receivePaymentWebhook } from "../../../../endpoint/receive-webhook"
import { PaymentWebhookEvents } from "../../../../events"

/**
 * `POST /hooks/payment/:provider` - replaces Medusa's core webhook route. The delivery is verified
 * by the provider and stored in the inbox BEFORE it is acknowledged; processing starts after the
 * answer (the README's "What the endpoint answers").
 */
export const POST = async (req: MedusaRequest, res: MedusaResponse) => {
  const logger = req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let receipt
  try {
    receipt = await receivePaymentWebhook(req.scope, {
      provider: req.params.provider,
      rawBody: (req as MedusaRequest & { rawBody: Buffer }).rawBody,
      body: req.body,
      headers: req.headers,
    })
  } catch (error) {
    const refusal =
      error instanceof WebhookHttpError
        ? error
        : new WebhookHttpError("unavailable", "The webhook could not be processed right now; please retry")
    if (!(error instanceof WebhookHttpError)) {
      logger.error(`payment-webhook unexpected error: ${(error as Error)?.message}`)
    }
    res.status(refusal.status).json(refusal.toJSON())
    return
  }

  if (receipt.acknowledgement) {
    res.status(200).type(receipt.acknowledgement.contentType).send(receipt.acknowledgement.body)
  } else {
    res.status(200).json(receipt.body)
  }
  if (!receipt.received.length) {
    return
  }
  try {
    await req.scope
      .resolve<IEventBusModuleService>(Modules.EVENT_BUS)
      .emit(receipt.received.map((id) => ({ name: PaymentWebhookEvents.RECEIVED, data: { id } })))
  } catch (error) {
    // The rows are stored; the recovery job picks them up when their lease runs out.
    logger.warn(
      `payment-webhook could not emit ${PaymentWebhookEvents.RECEIVED} for ${receipt.received.join(", ")}: ${(error as Error).message}`
    )
  }
}
