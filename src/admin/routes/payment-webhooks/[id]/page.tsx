import { Container, Heading, Text } from "@medusajs/ui"
import type { ReactNode } from "react"
import { useParams } from "react-router-dom"
import { AttemptTimeline } from "../../../components/attempt-timeline"
import { JsonTree } from "../../../components/json-tree"
import { ReplayButton } from "../../../components/replay-button"
import { CartLink, OrderLink } from "../../../components/resource-links"
import { SectionRow } from "../../../components/section-row"
import { WebhookStatusBadge } from "../../../components/webhook-status-badge"
import { formatAmount, formatDateTime } from "../../../lib/format"
import { usePaymentWebhook } from "../../../lib/queries"

const Section = ({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) => (
  <Container className="divide-y p-0">
    <div className="flex items-center justify-between px-6 py-4">
      <Heading level="h2">{title}</Heading>
      {action}
    </div>
    {children}
  </Container>
)

/**
 * One payment webhook: what it was about (provider, event, action, amount, session, cart, order),
 * where it is (status, attempts, next retry, error, outcome), every processing attempt as a
 * timeline, the stored payload, and the Replay button.
 */
const PaymentWebhookDetailPage = () => {
  const { id } = useParams()
  const { data, isLoading, isError, error } = usePaymentWebhook(id!)

  if (isLoading) {
    return (
      <Container>
        <Text size="small">Loading…</Text>
      </Container>
    )
  }
  if (isError || !data) {
    return (
      <Container>
        <Text size="small" className="text-ui-fg-error">
          {error instanceof Error ? error.message : "This payment webhook could not be loaded."}
        </Text>
      </Container>
    )
  }
  const row = data.payment_webhook
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="divide-y p-0">
        <div className="flex items-start justify-between gap-x-4 px-6 py-4">
          <div className="flex min-w-0 flex-col gap-y-1">
            <div className="flex items-center gap-x-2">
              <Heading>{row.event_type ?? "Payment webhook"}</Heading>
              <WebhookStatusBadge status={row.status} />
            </div>
            <Text size="small" className="text-ui-fg-subtle break-all">
              {row.id}
            </Text>
          </div>
          <ReplayButton row={row} />
        </div>
        <SectionRow title="Provider" value={row.provider_id} />
        <SectionRow title="Event type" value={row.event_type} />
        <SectionRow title="Event id" value={row.event_key} />
        <SectionRow title="Action" value={row.action} />
        <SectionRow title="Amount" value={formatAmount(row.amount, row.currency_code)} />
        <SectionRow title="Payment session" value={row.session_id} />
        <SectionRow title="Cart" value={row.cart_id ? <CartLink cartId={row.cart_id} /> : null} />
        <SectionRow title="Order" value={row.order_id ? <OrderLink orderId={row.order_id} /> : null} />
        <SectionRow title="Source" value={row.source} />
        <SectionRow title="Deliveries" value={row.deliveries} />
        <SectionRow title="Attempts" value={row.attempts} />
        <SectionRow title="Occurred at" value={formatDateTime(row.occurred_at)} />
        <SectionRow title="Received at" value={formatDateTime(row.created_at)} />
        <SectionRow title="Processed at" value={formatDateTime(row.processed_at)} />
        {row.next_attempt_at && row.status === "failed" && <SectionRow title="Next attempt" value={formatDateTime(row.next_attempt_at)} />}
        {row.outcome && <SectionRow title="Outcome" value={row.outcome} />}
        {row.last_error && (
          <SectionRow
            title="Last error"
            value={
              <Text size="small" className="text-ui-fg-error whitespace-pre-wrap break-words font-mono" data-testid="last-error">
                {row.last_error}
              </Text>
            }
          />
        )}
      </Container>
      <Section title="Attempts">
        <AttemptTimeline attempts={row.attempt_history ?? []} />
      </Section>
      <Section title="Payload">
        <div className="px-6 py-4">
          <JsonTree value={row.payload} />
        </div>
      </Section>
    </div>
  )
}

export const handle = {
  breadcrumb: ({ params }: { params: { id?: string } }) => params.id ?? "Payment webhook",
}

export default PaymentWebhookDetailPage
