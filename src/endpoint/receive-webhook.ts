import type {
  IPaymentModuleService,
  IPaymentProvider,
  Logger,
  MedusaContainer,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentActions } from "@medusajs/framework/utils"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import type { RecordWebhookEventInput, RecordWebhookEventResult } from "../modules/payment-webhooks/types"
import { eventFactsFrom } from "../modules/payment-webhooks/utils/event-facts"
import { webhookEventKey } from "../modules/payment-webhooks/utils/event-key"
import { logWebhookState } from "../log"
import { paymentProviderOf } from "../processing/payment-provider"
import { webhookErrorKind, webhookErrorReason } from "../providers/kit/errors"
import {
  acknowledgesWebhooksItself,
  canReceiveWebhookBatches,
  type WebhookAcknowledgement,
} from "../providers/webhook-contract"
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

/** What happened to one accepted event. */
export interface ReceivedWebhook {
  id: string
  status: "received" | "duplicate" | "ignored"
}

/** What the route answers an accepted delivery with, and what it does after answering. */
export interface WebhookReceipt {
  /** The JSON body: `{ id, status }` for a single event, `{ items: [{ id, status }, ...] }` for a batch. */
  body: ReceivedWebhook | { items: ReceivedWebhook[] }
  /** Ids of the new rows to process (`received`), in delivery order. */
  received: string[]
  /** The provider's own acknowledgement body, when it asks for one instead of the JSON. */
  acknowledgement?: WebhookAcknowledgement
}

/**
 * Verifies a delivery through the provider (it checks the signature and maps the event), then stores
 * it in the inbox. A provider with `getWebhookEvents` is asked for every event of the delivery, and
 * they are stored in one transaction; otherwise its `getWebhookActionAndData` gives the one event.
 * The provider is the instance the Payment Module registered, asked directly: the module's own
 * `getWebhookActionAndData` only looks it up, after opening a database context that this path never
 * uses (a forked entity manager per delivery). Throws a `WebhookHttpError` - with nothing stored -
 * when the provider is unknown, rejects the delivery (or any item of a batch), or the inbox cannot
 * be written.
 */
export async function receivePaymentWebhook(
  scope: MedusaContainer,
  webhook: IncomingWebhook
): Promise<WebhookReceipt> {
  const providerId = normalizeProviderId(webhook.provider)
  const paymentModule = scope.resolve<IPaymentModuleService>(Modules.PAYMENT)
  await assertProviderRegistered(paymentModule, providerId)

  const logger = scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const provider = paymentProviderOf(scope, providerId) as IPaymentProvider
  const batched = canReceiveWebhookBatches(provider)
  const payload = {
    data: (webhook.body ?? {}) as Record<string, unknown>,
    rawData: webhook.rawBody,
    headers: webhook.headers as Record<string, unknown>,
  }
  let events: WebhookActionResult[]
  try {
    events = batched ? await provider.getWebhookEvents(payload) : [await provider.getWebhookActionAndData(payload)]
  } catch (error) {
    throw toVerificationError(error, logger, providerId)
  }
  if (!Array.isArray(events)) {
    throw toVerificationError(new Error("getWebhookEvents did not return a list"), logger, providerId)
  }

  const rows = events.map((event, index) =>
    inboxRowOf(providerId, event, webhook, batched ? { index, size: events.length } : undefined)
  )
  const inbox = scope.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  let recorded: RecordWebhookEventResult[]
  try {
    recorded = batched ? await inbox.recordEvents(rows) : [await inbox.recordEvent(rows[0])]
  } catch (error) {
    logger.error(`payment-webhook inbox write failed for ${providerId}: ${(error as Error).message}`)
    throw new WebhookHttpError("unavailable", "The webhook could not be stored; please retry")
  }

  const items = recorded.map(({ event, created }): ReceivedWebhook => {
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
  })
  return {
    body: batched ? { items } : items[0],
    received: items.filter((item) => item.status === "received").map((item) => item.id),
    acknowledgement: acknowledgesWebhooksItself(provider) ? provider.webhookAcknowledgement() : undefined,
  }
}

/** The inbox row of one event of a delivery; `batch` says where it was in a batched delivery. */
function inboxRowOf(
  providerId: string,
  { action, data }: WebhookActionResult,
  webhook: IncomingWebhook,
  batch?: { index: number; size: number }
): RecordWebhookEventInput {
  const details = (data ?? {}) as Record<string, unknown>
  const facts = eventFactsFrom(action, details)
  // An event the provider could not tie to a session without its API is stored for processing,
  // which asks the provider (`needs_resolution`); the acknowledgement itself never does.
  const actionable =
    action !== PaymentActions.NOT_SUPPORTED && (facts.session_id !== null || details.needs_resolution === true)
  const key = webhookEventKey(details.event_id, webhook.rawBody)
  // Items of one body share its hash: without an event id, an item is also keyed by its position
  // (the body is hashed again only for a batch; a single delivery's key is final either way).
  const keyedByBody = batch && key === webhookEventKey(undefined, webhook.rawBody)
  return {
    provider_id: providerId,
    event_key: keyedByBody ? `${key}#${batch.index}` : key,
    ...facts,
    // The verified delivery as parsed, beside what the provider made of it: audit and replay.
    payload: { action, data: details, event: webhook.body ?? null, ...(batch && { batch }) },
    status: actionable ? "received" : "ignored",
  }
}

/**
 * Providers report a rejected delivery by throwing. Only a verification failure refuses the
 * delivery (400, see `webhookErrorKind`); anything else happened after, or apart from, verification
 * and answers 503, so the provider retries instead of dropping a delivery that may be genuine.
 */
function toVerificationError(error: unknown, logger: Logger, providerId: string): WebhookHttpError {
  const kind = webhookErrorKind(error)
  if (kind === "invalid_payload") {
    return new WebhookHttpError("invalid_payload", webhookErrorReason(error) || "The body is not a valid event")
  }
  if (kind === "invalid_signature") {
    return new WebhookHttpError("invalid_signature", webhookErrorReason(error) || "The signature does not verify")
  }
  const message = String((error as { message?: unknown } | null)?.message ?? "")
  logger.error(`payment-webhook ${JSON.stringify({ provider_id: providerId, status: "unavailable", error: message.slice(0, 500) })}`)
  return new WebhookHttpError("unavailable", "The webhook could not be handled right now; please retry")
}
