import type { IncomingMessage } from "node:http"
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { WebhookHttpError } from "./http-errors"

const ACCEPTED_MEDIA_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]

type RequestWithRawBody = MedusaRequest & { rawBody?: Buffer }

/**
 * Middleware for the webhook route, which Medusa's body parser leaves unread (see
 * `core-body-parser.ts`): reads the untouched bytes into `req.rawBody` (signatures are computed over
 * them) and their parsed form into `req.body`. Refuses, with the JSON error body: media types or
 * encodings a provider does not send (415) and, before reading them, bodies over the `maxBodyBytes`
 * option (413); then empty bodies and JSON that does not parse (400).
 */
export async function readWebhookBody(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): Promise<void> {
  try {
    const maxBytes = req.scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE).options.maxBodyBytes
    const mediaType = acceptedMediaType(req)
    // Where Medusa's parser still runs for the path (its declaration could not be switched off), it
    // has read the body and kept the bytes; the limit is then applied after reading.
    const request = req as RequestWithRawBody
    const parsedByMedusa = Buffer.isBuffer(request.rawBody)
    const rawBody = parsedByMedusa ? request.rawBody! : await readBounded(req, maxBytes)
    if (rawBody.length === 0) {
      throw new WebhookHttpError("invalid_payload", "The request has no body")
    }
    if (rawBody.length > maxBytes) {
      throw tooLarge(maxBytes)
    }
    if (!parsedByMedusa) {
      request.rawBody = rawBody
      request.body = parseBody(rawBody, mediaType)
    }
    next()
  } catch (error) {
    if (error instanceof WebhookHttpError) {
      if (error.type === "payload_too_large") {
        // The rest of the body is unwanted: close the connection instead of receiving it.
        res.setHeader("connection", "close")
      }
      res.status(error.status).json(error.toJSON())
      return
    }
    next(error)
  }
}

/**
 * The request's bytes, at most `maxBytes` of them. A declared length over the limit is refused before
 * a byte is read; a body without one (chunked) as soon as it passes the limit, and nothing more of it
 * is kept.
 */
function readBounded(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers["content-length"]) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes))
  }
  if (req.readableEnded) {
    // Something else consumed the body: nothing is left, and no "end" would ever come.
    return Promise.resolve(Buffer.alloc(0))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    const settle = (error: Error | null) => {
      req.off("data", onData).off("end", onEnd).off("error", settle).off("close", onClose)
      if (error) {
        reject(error)
      } else {
        resolve(Buffer.concat(chunks, received))
      }
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received > maxBytes) {
        settle(tooLarge(maxBytes))
      } else {
        chunks.push(chunk)
      }
    }
    const onEnd = () => settle(null)
    const onClose = () => settle(new Error("The client closed the connection before the body was complete"))
    req.on("data", onData).on("end", onEnd).on("error", settle).on("close", onClose)
  })
}

/** The parsed body: JSON parsed, a form as an object of its fields (flat, unlike Medusa's `qs`), text as is. */
function parseBody(rawBody: Buffer, mediaType: string): unknown {
  const text = rawBody.toString("utf8")
  if (mediaType === "application/json") {
    try {
      return JSON.parse(text)
    } catch {
      throw new WebhookHttpError("invalid_payload", "The body is not valid JSON")
    }
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    return Object.fromEntries(new URLSearchParams(text))
  }
  return text
}

function acceptedMediaType(req: IncomingMessage): string {
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase()
  if (!ACCEPTED_MEDIA_TYPES.includes(mediaType)) {
    throw new WebhookHttpError(
      "unsupported_media_type",
      `Content-Type "${mediaType || "(none)"}" is not accepted; send one of ${ACCEPTED_MEDIA_TYPES.join(", ")}`
    )
  }
  // Providers send webhooks uncompressed; refusing encodings keeps the limit a limit on the bytes
  // received and leaves no decompression bomb to defuse.
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase()
  if (encoding !== "identity") {
    throw new WebhookHttpError("unsupported_media_type", `Content-Encoding "${encoding}" is not accepted`)
  }
  return mediaType
}

function tooLarge(maxBytes: number): WebhookHttpError {
  return new WebhookHttpError("payload_too_large", `The body is larger than the limit of ${maxBytes} bytes`)
}
