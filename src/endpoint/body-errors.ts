import { errorHandler, type MedusaNextFunction, type MedusaRequest, type MedusaResponse } from "@medusajs/framework/http"
import { WebhookHttpError } from "./http-errors"

/** Matches the webhook route's path (mounted at the app root). */
const WEBHOOK_PATH = /^\/hooks\/payment\/[^/]+\/?$/

const medusaErrorHandler = errorHandler()

/**
 * Where Medusa's body parser still runs for the webhook path (its core declaration could not be
 * switched off, see `core-body-parser.ts`), a malformed or oversized body fails inside express's
 * parser, before any route middleware. For the webhook path only, those two failures are answered
 * with the documented JSON bodies (`invalid_payload`, `payload_too_large`); every other error, and
 * every other path, goes to Medusa's own error handler unchanged. An app that defines its own
 * `errorHandler` replaces this one (Medusa keeps the last), and then gets Medusa's bodies.
 */
export function webhookAwareErrorHandler(
  error: unknown,
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): void {
  const bodyParserType = (error as { type?: string })?.type
  if (WEBHOOK_PATH.test(req.path) && !res.headersSent) {
    if (bodyParserType === "entity.parse.failed") {
      const refusal = new WebhookHttpError("invalid_payload", "The body is not valid JSON")
      res.status(refusal.status).json(refusal.toJSON())
      return
    }
    if (bodyParserType === "entity.too.large") {
      const refusal = new WebhookHttpError("payload_too_large", "The body is larger than the accepted limit")
      res.status(refusal.status).json(refusal.toJSON())
      return
    }
  }
  medusaErrorHandler(error as Error, req, res, next)
}
