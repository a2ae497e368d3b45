import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { WebhookHttpError } from "./http-errors"

const ACCEPTED_MEDIA_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]

type RequestWithRawBody = MedusaRequest & { rawBody?: Buffer }

/**
 * Middleware for the webhook route: requires the untouched request bytes in `req.rawBody`
 * (signatures are computed over them), refuses media types a provider does not send (415), empty
 * bodies (400) and bodies over the `maxBodyBytes` option (413), each with the JSON error body.
 */
export function readWebhookBody(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): void {
  try {
    const maxBytes = req.scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).options.maxBodyBytes
    assertMediaType(req.headers["content-type"])
    // Medusa's body parser (declared with preserveRawBody for this path) has kept the exact bytes;
    // it leaves none for a request without a body.
    const rawBody = (req as RequestWithRawBody).rawBody
    if (!Buffer.isBuffer(rawBody) || rawBody.length === 0) {
      throw new WebhookHttpError("invalid_payload", "The request has no body")
    }
    if (rawBody.length > maxBytes) {
      throw new WebhookHttpError("payload_too_large", `The body is larger than the limit of ${maxBytes} bytes`)
    }
    next()
  } catch (error) {
    if (error instanceof WebhookHttpError) {
      res.status(error.status).json(error.toJSON())
      return
    }
    next(error)
  }
}

function assertMediaType(contentType: string | undefined): void {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase()
  if (!ACCEPTED_MEDIA_TYPES.includes(mediaType)) {
    throw new WebhookHttpError(
      "unsupported_media_type",
      `Content-Type "${mediaType || "(none)"}" is not accepted; send one of ${ACCEPTED_MEDIA_TYPES.join(", ")}`
    )
  }
}

function tooLarge(maxBytes: number): WebhookHttpError {
  return new WebhookHttpError("payload_too_large", `The body is larger than the limit of ${maxBytes} bytes`)
}
