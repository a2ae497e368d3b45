import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentActions } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { eventFactsFrom } from "../modules/payment-webhooks/utils/event-facts"
import { webhookEventKey } from "../modules/payment-webhooks/utils/event-key"
import { logWebhookState } from "../log"
import { WebhookHttpError } from "./http-errors"
import { normalizeProviderId } from "./provider-id"
import { assertProviderRegistered } from "./provider-registry"

/** A delivery as the HTTP layer hands it over: the untouched bytes, the parsed body and the headers. */
export interface IncomingWebhook {
  provider: string | undefined
  rawBody: Buffer
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

/** What happened to a delivery that was accepted. */
export interface ReceivedWebhook {
  id: string
  status: "received" | "duplicate" | "ignored"
}

/**
 * Verifies a delivery through the Payment Module (the provider checks the signature and maps the
 * event), then stores it in the inbox. Throws a `WebhookHttpError` - with nothing stored - when the
 * provider is unknown, the provider rejects the delivery, or the inbox cannot be written.
 */
export async function receivePaymentWebhook(
  scope: MedusaContainer,
  webhook: IncomingWebhook
): Promise<ReceivedWebhook> {
  const providerId = normalizeProviderId(webhook.provider)
  const paymentModule = scope.resolve<IPaymentModuleService>(Modules.PAYMENT)
  await assertProviderRegistered(paymentModule, providerId)

  const logger = scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const { action, data } = await verifyWithProvider(paymentModule, providerId, webhook, logger)
  const details = (data ?? {}) as Record<string, unknown>
  const facts = eventFactsFrom(action, details)
  // An event the provider could not tie to a session without its API is stored for processing,
  // which asks the provider (`needs_resolution`); the acknowledgement itself never does.
  const actionable =
    action !== PaymentActions.NOT_SUPPORTED && (facts.session_id !== null || details.needs_resolution === true)

  const inbox = scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  let recorded: Awaited<ReturnType<PaymentWebhooksModuleService["recordEvent"]>>
  try {
    recorded = await inbox.recordEvent({
      provider_id: providerId,
      event_key: webhookEventKey(details.event_id, webhook.rawBody),
      ...facts,
      // The verified delivery as parsed, beside what the provider made of it: audit and replay.
      payload: { action, data: details, event: webhook.body ?? null },
      status: actionable ? "received" : "ignored",
    })
  } catch (error) {
    logger.error(`payment-webhook inbox write failed for ${providerId}: ${(error as Error).message}`)
    throw new WebhookHttpError("unavailable", "The webhook could not be stored; please retry")
  }

  const { event, created } = recorded
  logWebhookState(logger, {
    id: event.id,
    provider_id: providerId,
    status: created ? event.status : "duplicate",
    event_type: event.event_type,
    action: event.action,
    session_id: event.session_id,
    deliveries: event.deliveries,
  })
  if (!created) {
    return { id: event.id, status: "duplicate" }
  }
  return { id: event.id, status: event.status === "ignored" ? "ignored" : "received" }
}

async function verifyWithProvider(
  paymentModule: IPaymentModuleService,
  providerId: string,
  webhook: IncomingWebhook,
  logger: Logger
) {
  try {
    // Without its `pp_` prefix: older Medusa releases (2.12.6 and 2.13.0 among them) prefix the id they get.
    return await paymentModule.getWebhookActionAndData({
      provider: providerId.replace(/^pp_/, ""),
      payload: {
        data: (webhook.body ?? {}) as Record<string, unknown>,
        rawData: webhook.rawBody,
        headers: webhook.headers as Record<string, unknown>,
      },
    })
  } catch (error) {
    throw toVerificationError(error, logger, providerId)
  }
}

/** Error types of SDK verifiers that providers may let through (e.g. `@medusajs/payment-stripe`). */
const SIGNATURE_ERROR_TYPES = new Set(["StripeSignatureVerificationError"])

/**
 * Providers report a rejected delivery by throwing. Only a verification failure refuses the
 * delivery (400): a message starting `invalid_signature:` or `invalid_payload:` (this plugin's
 * provider contract), an SDK's signature error, or a body that is not JSON. Anything else happened
 * after, or apart from, verification - an unexpected error, a module error - and answers 503, so
 * the provider retries instead of dropping a delivery that may be genuine.
 */
function toVerificationError(error: unknown, logger: Logger, providerId: string): WebhookHttpError {
  const err = error as { message?: string; type?: string; name?: string }
  const message = String(err?.message ?? "")
  if (message.startsWith("invalid_payload") || error instanceof SyntaxError) {
    return new WebhookHttpError("invalid_payload", message.replace(/^invalid_payload:\s*/, "") || "The body is not a valid event")
  }
  if (message.startsWith("invalid_signature") || SIGNATURE_ERROR_TYPES.has(String(err?.type))) {
    return new WebhookHttpError("invalid_signature", message.replace(/^invalid_signature:\s*/, "") || "The signature does not verify")
  }
  logger.error(`payment-webhook ${JSON.stringify({ provider_id: providerId, status: "unavailable", error: message.slice(0, 500) })}`)
  return new WebhookHttpError("unavailable", "The webhook could not be handled right now; please retry")
}
