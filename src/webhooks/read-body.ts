import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { WebhookHttpError } from "./http-errors"

const ACCEPTED_MEDIA_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]

type RequestWithRawBody = MedusaRequest & { rawBody?: Buffer }

/**
 * Middleware for the webhook route: makes sure the untouched request bytes are available as
 * `req.rawBody` (signatures are computed over them), refuses media types a provider does not send
 * (415) and bodies over the `maxBodyBytes` option (413), each with the JSON error body.
 */
export async function readWebhookBody(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): Promise<void> {
  try {
    const maxBytes = req.scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).options.maxBodyBytes
    assertMediaType(req.headers["content-type"])
    const request = req as RequestWithRawBody
    if (!Buffer.isBuffer(request.rawBody)) {
      request.rawBody = await readStream(req, maxBytes)
    }
    if (request.rawBody.length > maxBytes) {
      throw tooLarge(maxBytes)
    }
    if (request.rawBody.length === 0) {
      throw new WebhookHttpError("invalid_payload", "The request has no body")
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

function readStream(req: MedusaRequest, maxBytes: number): Promise<Buffer> {
  if (req.readableEnded) {
    return Promise.resolve(Buffer.alloc(0))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.removeAllListeners("data")
        req.resume()
        reject(tooLarge(maxBytes))
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })
}
