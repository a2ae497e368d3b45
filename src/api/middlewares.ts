import { defineMiddlewares, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import {
  listPaymentWebhooksQueryConfig,
  retrievePaymentWebhookQueryConfig,
} from "./admin/payment-webhooks/query-config"
import {
  AdminGetPaymentWebhookParams,
  AdminGetPaymentWebhooksParams,
  AdminReplayPaymentWebhook,
  AdminReplayPaymentWebhooks,
} from "./admin/payment-webhooks/validators"
import { webhookAwareErrorHandler } from "../endpoint/body-errors"
import { readWebhookBody } from "../endpoint/read-body"

/**
 * The webhook route reads its own body (`readWebhookBody`), so that it can refuse one over the
 * `maxBodyBytes` option before reading it and keep the exact bytes providers sign. `bodyParser:
 * false` says so, but Medusa's core declaration for the path wins over it: the inbox module's loader
 * switches that one off at boot (`core-body-parser.ts`). Body-parser failures on the path (when
 * Medusa's parser still runs) get the documented JSON bodies (`webhookAwareErrorHandler`).
 *
 * The admin routes (`/admin/payment-webhooks...`, authenticated as an admin user by Medusa) validate
 * their query and body as Medusa's own admin routes do: 400 naming the field.
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
    {
      matcher: "/admin/payment-webhooks",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminGetPaymentWebhooksParams, listPaymentWebhooksQueryConfig)],
    },
    {
      matcher: "/admin/payment-webhooks/replay",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminReplayPaymentWebhooks)],
    },
    {
      matcher: "/admin/payment-webhooks/:id",
      methods: ["GET"],
      middlewares: [validateAndTransformQuery(AdminGetPaymentWebhookParams, retrievePaymentWebhookQueryConfig)],
    },
    {
      matcher: "/admin/payment-webhooks/:id/replay",
      methods: ["POST"],
      middlewares: [
        validateAndTransformBody(AdminReplayPaymentWebhook),
        validateAndTransformQuery(AdminGetPaymentWebhookParams, retrievePaymentWebhookQueryConfig),
      ],
    },
  ],
})
