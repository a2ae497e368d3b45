import { defineMiddlewares } from "@medusajs/framework/http"
import { MAX_BODY_BYTES_CEILING } from "../modules/payment-webhooks/utils/options"
import { webhookAwareErrorHandler } from "../endpoint/body-errors"
import { raiseCoreWebhookBodyLimit } from "../endpoint/core-body-parser"
import { readWebhookBody } from "../endpoint/read-body"

raiseCoreWebhookBodyLimit()

/**
 * The webhook route keeps the raw body (providers sign the exact bytes) and reads it through
 * `readWebhookBody`, which applies the `maxBodyBytes` option and answers 413/415 with JSON.
 * Body-parser failures on that path get the documented JSON bodies (`webhookAwareErrorHandler`).
 */
export default defineMiddlewares({
  errorHandler: webhookAwareErrorHandler,
  routes: [
    {
      matcher: "/hooks/payment/:provider",
      methods: ["POST"],
      bodyParser: { preserveRawBody: true, sizeLimit: MAX_BODY_BYTES_CEILING },
      middlewares: [readWebhookBody],
    },
  ],
})
