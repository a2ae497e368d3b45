import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules, PaymentActions } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import { webhookEventKey } from "../modules/payment-webhooks/utils/event-key"
import { WebhookHttpError } from "./http-errors"
import { logWebhookState } from "./log"
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

/** The event emitted (after answering) for every newly stored row that needs processing. */
export const PAYMENT_WEBHOOK_RECEIVED_EVENT = "payment_webhook.received"

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

  const { action, data } = await verifyWithProvider(paymentModule, providerId, webhook)
  const details = (data ?? {}) as Record<string, unknown>
  const sessionId = stringOrNull(details.session_id)
  const actionable = action !== PaymentActions.NOT_SUPPORTED && sessionId !== null

  const inbox = scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const logger = scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  let recorded: Awaited<ReturnType<PaymentWebhooksModuleService["recordEvent"]>>
  try {
    recorded = await inbox.recordEvent({
      provider_id: providerId,
      event_key: webhookEventKey(details.event_id, webhook.rawBody),
      event_type: stringOrNull(details.event_type),
      action,
      session_id: sessionId,
      amount: numberOrNull(details.amount),
      currency_code: stringOrNull(details.currency_code)?.toLowerCase() ?? null,
      occurred_at: dateOrNull(details.occurred_at),
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
  webhook: IncomingWebhook
) {
  try {
    return await paymentModule.getWebhookActionAndData({
      provider: providerId,
      payload: {
        data: (webhook.body ?? {}) as Record<string, unknown>,
        rawData: webhook.rawBody,
        headers: webhook.headers as Record<string, unknown>,
      },
    })
  } catch (error) {
    throw toVerificationError(error)
  }
}

const TRANSIENT_STRIPE_ERRORS = new Set(["StripeConnectionError", "StripeAPIError", "StripeRateLimitError"])

/**
 * Providers report a rejected delivery by throwing. Transient failures (the provider's API is down
 * while it resolves the event) become 503 so the provider retries; everything else is a refusal
 * of this delivery. The provider's message is passed on without the `invalid_*:` prefix.
 */
function toVerificationError(error: unknown): WebhookHttpError {
  const err = error as { message?: string; type?: string; name?: string }
  const message = String(err?.message ?? "The provider rejected the webhook")
  if (TRANSIENT_STRIPE_ERRORS.has(String(err?.type)) || err?.type === MedusaError.Types.UNEXPECTED_STATE) {
    return new WebhookHttpError("unavailable", "The provider could not resolve the event right now; please retry")
  }
  if (message.startsWith("invalid_payload")) {
    return new WebhookHttpError("invalid_payload", message.replace(/^invalid_payload:\s*/, ""))
  }
  return new WebhookHttpError("invalid_signature", message.replace(/^invalid_signature:\s*/, ""))
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === "") {
    return null
  }
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : null
}

function dateOrNull(value: unknown): Date | null {
  if (typeof value !== "string" && typeof value !== "number" && !(value instanceof Date)) {
    return null
  }
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}
