import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Container, Heading, Text } from "@medusajs/ui"
import { Link } from "react-router-dom"
import { WebhookStatusBadge } from "../components/webhook-status-badge"
import { formatAmount, formatDateTime, mergeTimeline } from "../lib/format"
import { usePaymentWebhooks } from "../lib/queries"

/** Enough rows for any one order's payments (authorizations, captures, refunds, disputes). */
const LIMIT = 100

/**
 * On an order's page: the payment webhooks of the order and of its payment sessions (so refunds and
 * disputes made in the provider's dashboard show too), oldest first, with their outcomes; each links
 * to its detail page.
 */
const OrderPaymentWebhooksWidget = ({ data: order }: DetailWidgetProps<HttpTypes.AdminOrder>) => {
  const sessionIds = (order.payment_collections ?? []).flatMap((collection) => (collection.payment_sessions ?? []).map((session) => session.id))
  const byOrder = usePaymentWebhooks({ order_id: [order.id], limit: LIMIT }, LIMIT)
  const bySession = usePaymentWebhooks({ session_id: sessionIds, limit: LIMIT }, LIMIT, { enabled: sessionIds.length > 0 })
  const rows = mergeTimeline(byOrder.data?.payment_webhooks ?? [], sessionIds.length ? bySession.data?.payment_webhooks ?? [] : [])
  const loading = byOrder.isLoading || (sessionIds.length > 0 && bySession.isLoading)

  return (
    <Container className="divide-y p-0" data-testid="order-payment-webhooks">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Payment webhooks</Heading>
        <Link to={`/payment-webhooks?order_id=${encodeURIComponent(order.id)}`} className="text-ui-fg-interactive txt-compact-small">
          Open in list
        </Link>
      </div>
      {loading ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          Loading…
        </Text>
      ) : byOrder.isError ? (
        <Text size="small" className="text-ui-fg-error px-6 py-4">
          {byOrder.error instanceof Error ? byOrder.error.message : "The payment webhooks could not be loaded."}
        </Text>
      ) : rows.length === 0 ? (
        <Text size="small" className="text-ui-fg-muted px-6 py-4">
          No webhook has been received for this order's payments.
        </Text>
      ) : (
        <ol className="flex flex-col px-6 py-4">
          {rows.map((row, index) => (
            <li key={row.id} className="grid grid-cols-[20px_1fr] gap-x-2" data-testid="order-payment-webhook">
              <div className="flex flex-col items-center">
                <span className="bg-ui-border-strong mt-1.5 size-2.5 shrink-0 rounded-full" />
                {index < rows.length - 1 && <span className="bg-ui-border-strong my-1 w-px flex-1" />}
              </div>
              <div className="flex flex-col gap-y-1 pb-4">
                <div className="flex flex-wrap items-center gap-2">
                  <Link to={`/payment-webhooks/${row.id}`} className="text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small-plus">
                    {row.event_type ?? row.event_key}
                  </Link>
                  <WebhookStatusBadge status={row.status} />
                  <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
                    {formatAmount(row.amount, row.currency_code)}
                  </Text>
                </div>
                <Text size="xsmall" leading="compact" className="text-ui-fg-muted">
                  {formatDateTime(row.occurred_at ?? row.created_at)} · {row.provider_id} · {row.attempts} attempt{row.attempts === 1 ? "" : "s"}
                </Text>
                {(row.outcome || row.last_error) && (
                  <Text size="xsmall" className={row.status === "dead" || row.status === "failed" ? "text-ui-fg-error break-words" : "text-ui-fg-subtle break-words"}>
                    {row.status === "dead" || row.status === "failed" ? row.last_error : row.outcome}
                  </Text>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "order.details.after",
})

export default OrderPaymentWebhooksWidget
