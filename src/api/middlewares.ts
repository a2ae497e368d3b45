import { defineMiddlewares } from "@medusajs/framework/http"
import { webhookAwareErrorHandler } from "../endpoint/body-errors"
import { readWebhookBody } from "../endpoint/read-body"

/**
 * The webhook route reads its own body (`readWebhookBody`), so that it can refuse one over the
 * `maxBodyBytes` option before reading it and keep the exact bytes providers sign. `bodyParser:
 * false` says so, but Medusa's core declaration for the path wins over it: the inbox module's loader
 * switches that one off at boot (`core-body-parser.ts`). Body-parser failures on the path (when
 * Medusa's parser still runs) get the documented JSON bodies (`webhookAwareErrorHandler`).
 */
export default defineMiddlewares({
  errorHandler: webhookAwareErrorHandler,
  routes: [
    {
      matcher: "/hooks/payment/:provider",
      methods: ["POST"],
      bodyParser: false,
      middlewares: [readWebhookBody],
    },
  ],
})
