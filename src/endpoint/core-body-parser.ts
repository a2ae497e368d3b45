import type { LoaderOptions } from "@medusajs/framework/types"

/** Where Medusa declares the body parser of the webhook path, and the declaration's matcher. */
const CORE_DECLARATION_MODULE = "@medusajs/medusa/api/hooks/middlewares"
const WEBHOOK_MATCHER = "/hooks/payment/:provider"

/**
 * The Medusa behaviour `switchOffCoreWebhookBodyParser` relies on, named by its boot warning and by
 * the tests that fence it.
 */
export const CORE_BODY_PARSER_BEHAVIOUR =
  "Medusa core declares the body parser of /hooks/payment/:provider in @medusajs/medusa/api/hooks/middlewares " +
  "(hooksRoutesMiddlewares) and core configs win over plugins'"

type CoreRouteDeclaration = { matcher: unknown; bodyParser?: unknown }

/**
 * Medusa's core declaration of the webhook path's body parser (`switchOffCoreWebhookBodyParser`
 * changes it in place), or null when this Medusa no longer declares it there.
 */
export function findCoreWebhookDeclaration(): CoreRouteDeclaration | null {
  let routes: unknown
  try {
    routes = require(CORE_DECLARATION_MODULE).hooksRoutesMiddlewares
  } catch {
    return null
  }
  const declaration = Array.isArray(routes)
    ? (routes as CoreRouteDeclaration[]).find((route) => route?.matcher === WEBHOOK_MATCHER)
    : undefined
  return declaration && "bodyParser" in declaration ? declaration : null
}

/**
 * Medusa's core parses the webhook path's body itself (JSON, 100 kB), ahead of every plugin
 * middleware, and its body-parser config for the path wins over a plugin's, so `defineMiddlewares`
 * cannot turn it off. Express's parser, once over its limit, still reads the rest of the body before
 * it answers, so no limit set on it stops an oversized body from being received. Medusa offers no
 * public way to change a core route's parser, so this sets the core declaration to `false` (no
 * parser): `readWebhookBody` then reads the body itself and refuses it before reading it. It must
 * run before Medusa's API loader imports its core middlewares, which copy the declaration's fields:
 * the inbox module's loader runs it at boot, before the API loader. Returns whether it applied.
 */
export function switchOffCoreWebhookBodyParser(): boolean {
  const declaration = findCoreWebhookDeclaration()
  if (!declaration) {
    return false
  }
  declaration.bodyParser = false
  return true
}

/**
 * Loader of the inbox module: switches Medusa's parser off for the webhook path at boot. If this
 * Medusa declares it elsewhere, the app still boots and works (with Medusa's parser: 100 kB limit,
 * bodies read in full before a refusal), and one warning says why.
 */
export async function coreBodyParserLoader({ logger }: LoaderOptions): Promise<void> {
  if (!switchOffCoreWebhookBodyParser()) {
    logger?.warn(
      `medusa-payment-webhooks: could not switch off Medusa's body parser for ${WEBHOOK_MATCHER}; it relies on: ` +
        `${CORE_BODY_PARSER_BEHAVIOUR}. Where Medusa's parser still runs for the path, webhook bodies are ` +
        "limited to its 100 kB and an oversized body is received in full before it is refused."
    )
  }
}
