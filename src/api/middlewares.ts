import { defineMiddlewares } from "@medusajs/framework/http"
import { readWebhookBody } from "../webhooks/read-body"
import { MAX_BODY_BYTES_CEILING } from "../modules/payment-webhooks/utils/options"

/**
 * The webhook route keeps the raw body (providers sign the exact bytes) and reads it through
 * `readWebhookBody`, which applies the `maxBodyBytes` option and answers 413/415 with JSON.
 */
export default defineMiddlewares({
  routes: [
    {
      matcher: "/hooks/payment/:provider",
      methods: ["POST"],
      bodyParser: { preserveRawBody: true, sizeLimit: MAX_BODY_BYTES_CEILING },
      middlewares: [readWebhookBody],
    },
  ],
})
