import { MAX_BODY_BYTES_CEILING } from "../modules/payment-webhooks/utils/options"

type BodyParserConfig = { preserveRawBody?: boolean; sizeLimit?: number | string } | false | undefined

/**
 * Medusa's core declares a JSON body parser for `/hooks/payment/:provider` with express's default
 * 100 kB limit, and core body-parser configs are matched before a plugin's for the same path, so
 * `defineMiddlewares` cannot replace it. We raise the limit on that declaration (before the first
 * request builds the parser) to the ceiling of `maxBodyBytes`; `readWebhookBody` then applies the
 * configured limit exactly and answers 413 with the documented body. Returns whether it applied.
 */
export function raiseCoreWebhookBodyLimit(): boolean {
  let coreRoutes: { matcher: string; bodyParser?: BodyParserConfig }[]
  try {
    coreRoutes = require("@medusajs/medusa/api/hooks/middlewares").hooksRoutesMiddlewares
  } catch {
    return false
  }
  const declaration = coreRoutes?.find((route) => route.matcher === "/hooks/payment/:provider")
  if (!declaration?.bodyParser || typeof declaration.bodyParser !== "object") {
    return false
  }
  declaration.bodyParser.sizeLimit = MAX_BODY_BYTES_CEILING
  return true
}
