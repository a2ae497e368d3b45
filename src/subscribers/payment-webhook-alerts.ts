import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { ConfigModule, INotificationModuleService, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { PaymentWebhookEvents } from "../events"
import { PAYMENT_WEBHOOKS_MODULE } from "../modules/payment-webhooks"
import type PaymentWebhooksModuleService from "../modules/payment-webhooks/service"
import type { PaymentWebhookEventDTO } from "../modules/payment-webhooks/types"

type AlertEventData = { id: string; reason?: string; cart_id?: string | null; payment_id?: string | null; outcome?: string | null }

/** Longest error or outcome text quoted in a notification. */
const MAX_QUOTE = 300

/**
 * Puts a notification in the admin's feed (the Notification Module's `feed` channel, template
 * `admin-ui`, shown under the bell in Medusa Admin to every admin user) when a row becomes `dead`
 * (it needs someone: review, fix, replay) and when money was given back because a cart could not
 * become an order (a shopper paid and got a refund instead of an order; such a row is `dead` too,
 * and this is its only alert). The notification links to the row's admin page
 * (`<admin path>/payment-webhooks/<id>`) and is sent once per row and attempt (idempotency key).
 * A missing `feed` provider is logged, never thrown: the row's state is what matters.
 */
export default async function paymentWebhookAlertsHandler({ event, container }: SubscriberArgs<AlertEventData>) {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const inbox = container.resolve<PaymentWebhooksModuleService>(PAYMENT_WEBHOOKS_MODULE)
  const row = await inbox.retrieveEvent(event.data.id).catch(() => null)
  const url = `${adminPath(container)}/payment-webhooks/${event.data.id}`
  const content =
    event.name === PaymentWebhookEvents.COMPENSATED ? compensatedAlert(event.data, row, url) : deadAlert(event.data, row, url)
  try {
    const notifications = container.resolve<INotificationModuleService>(Modules.NOTIFICATION)
    await notifications.createNotifications({
      to: "",
      channel: "feed",
      template: "admin-ui",
      trigger_type: event.name,
      resource_type: "payment_webhook",
      resource_id: event.data.id,
      idempotency_key: `${event.name}:${event.data.id}:${row?.attempts ?? 0}`,
      data: { ...content, url, payment_webhook_id: event.data.id },
    })
  } catch (error) {
    logger.warn(
      `payment-webhook-alert ${JSON.stringify({
        id: event.data.id,
        event: event.name,
        status: "not_sent",
        error: (error as Error).message,
      })}`
    )
  }
}

function deadAlert(data: AlertEventData, row: PaymentWebhookEventDTO | null, url: string) {
  const attempts = row ? ` after ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}` : ""
  return {
    title: "Payment webhook failed for good",
    description:
      `${describeRow(row)} will not be retried${attempts}: ${quote(data.reason ?? row?.last_error ?? "unknown error")}.` +
      `${row?.cart_id ? ` Cart ${row.cart_id}.` : ""} Review and replay it at ${url}`,
  }
}

function compensatedAlert(data: AlertEventData, row: PaymentWebhookEventDTO | null, url: string) {
  const cart = data.cart_id ?? row?.cart_id
  return {
    title: "Payment given back: no order",
    description:
      `${cart ? `Cart ${cart}` : "A cart"} could not become an order, so the payment${data.payment_id ? ` ${data.payment_id}` : ""} ` +
      `was given back (${quote(data.outcome ?? row?.outcome ?? "compensated")}). ${describeRow(row)}. Details at ${url}`,
  }
}

/** "payment_intent.succeeded from pp_stripe_stripe (10 EUR)". */
function describeRow(row: PaymentWebhookEventDTO | null): string {
  if (!row) {
    return "The payment webhook"
  }
  const money = row.amount !== null && row.currency_code ? ` (${row.amount} ${row.currency_code.toUpperCase()})` : ""
  return `${row.event_type ?? row.action} from ${row.provider_id}${money}`
}

function quote(text: string): string {
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text
}

/** Where Medusa Admin is served (`admin.path`, `/app` by default). */
function adminPath(container: SubscriberArgs<unknown>["container"]): string {
  try {
    const config = container.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
    return (config.admin?.path ?? "/app").replace(/\/$/, "")
  } catch {
    return "/app"
  }
}

export const config: SubscriberConfig = {
  event: [PaymentWebhookEvents.DEAD, PaymentWebhookEvents.COMPENSATED],
  context: { subscriberId: "medusa-payment-webhooks-alerts" },
}
