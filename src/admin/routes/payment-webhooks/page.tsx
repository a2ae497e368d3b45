import { defineRouteConfig } from "@medusajs/admin-sdk"
import { BoltSolid } from "@medusajs/icons"
import {
  Container,
  createDataTableColumnHelper,
  createDataTableFilterHelper,
  DataTable,
  Heading,
  Text,
  useDataTable,
  type DataTableFilteringState,
  type DataTablePaginationState,
} from "@medusajs/ui"
import { useMemo } from "react"
import { useNavigate, useSearchParams } from "react-router-dom"
import { CartLink, OrderLink } from "../../components/resource-links"
import { StatusSummary } from "../../components/status-summary"
import { WebhookStatusBadge } from "../../components/webhook-status-badge"
import { filtersFromSearchParams, filtersToSearchParams, formatAmount, formatDateTime, statusLabel } from "../../lib/format"
import { usePaymentProviders, usePaymentWebhooks } from "../../lib/queries"
import { PAYMENT_WEBHOOK_STATUSES, type PaymentWebhook, type PaymentWebhookListFilters, type PaymentWebhookStatus } from "../../lib/types"

const PAGE_SIZE = 20

const columnHelper = createDataTableColumnHelper<PaymentWebhook>()

const columns = [
  columnHelper.accessor("status", {
    header: "Status",
    cell: ({ getValue }) => <WebhookStatusBadge status={getValue()} />,
  }),
  columnHelper.accessor("event_type", {
    header: "Event",
    cell: ({ row }) => (
      <div className="flex flex-col py-1">
        <Text size="small" leading="compact" weight="plus">
          {row.original.event_type ?? "-"}
        </Text>
        <Text size="xsmall" leading="compact" className="text-ui-fg-muted">
          {row.original.event_key}
        </Text>
      </div>
    ),
  }),
  columnHelper.accessor("provider_id", { header: "Provider" }),
  columnHelper.accessor("amount", {
    header: "Amount",
    cell: ({ row }) => formatAmount(row.original.amount, row.original.currency_code),
  }),
  columnHelper.accessor("order_id", {
    header: "Order",
    cell: ({ getValue }) => <OrderLink orderId={getValue()} />,
  }),
  columnHelper.accessor("cart_id", {
    header: "Cart",
    cell: ({ getValue }) => <CartLink cartId={getValue()} />,
  }),
  columnHelper.accessor("attempts", { header: "Attempts" }),
  columnHelper.accessor("created_at", {
    header: "Received",
    cell: ({ getValue }) => formatDateTime(getValue()),
  }),
]

const filterHelper = createDataTableFilterHelper<PaymentWebhook>()

/** The list's filters as the table's filter state (and back). */
function toFilteringState(filters: PaymentWebhookListFilters): DataTableFilteringState {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.provider_id ? { provider_id: filters.provider_id } : {}),
    ...(filters.event_type ? { event_type: filters.event_type } : {}),
  }
}

function fromFilteringState(state: DataTableFilteringState): PaymentWebhookListFilters {
  const list = (value: unknown) => (Array.isArray(value) && value.length ? (value as string[]) : undefined)
  const text = typeof state.event_type === "string" && state.event_type.trim() ? state.event_type.trim() : undefined
  return {
    status: list(state.status) as PaymentWebhookStatus[] | undefined,
    provider_id: list(state.provider_id),
    event_type: text,
  }
}

/**
 * Payment webhooks: every delivery the inbox stored, newest first, with the count per status on top
 * (each a shortcut to its rows), filters by status, provider and event type, a search by event id,
 * and pages of 20. A row opens its detail page.
 */
const PaymentWebhooksPage = () => {
  const navigate = useNavigate()
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = useMemo(() => filtersFromSearchParams(searchParams), [searchParams])
  const { data, isLoading, isError, error } = usePaymentWebhooks(filters, PAGE_SIZE)
  const { data: providers } = usePaymentProviders()

  const tableFilters = useMemo(
    () => [
      filterHelper.accessor("status", {
        type: "select",
        label: "Status",
        options: PAYMENT_WEBHOOK_STATUSES.map((status) => ({ label: statusLabel(status), value: status })),
      }),
      filterHelper.accessor("provider_id", {
        type: "select",
        label: "Provider",
        options: (providers?.payment_providers ?? []).map(({ id }) => ({ label: id, value: id })),
      }),
      filterHelper.accessor("event_type", {
        type: "string",
        label: "Event type",
        placeholder: "payment_intent.succeeded",
      }),
    ],
    [providers]
  )

  /** Replaces the list's filters in the URL; any change but paging starts again at the first page. */
  const update = (next: PaymentWebhookListFilters) => setSearchParams(filtersToSearchParams(next))
  const pagination: DataTablePaginationState = { pageIndex: Math.floor((filters.offset ?? 0) / PAGE_SIZE), pageSize: PAGE_SIZE }

  const table = useDataTable({
    columns,
    data: data?.payment_webhooks ?? [],
    getRowId: (row) => row.id,
    rowCount: data?.count ?? 0,
    isLoading,
    filters: tableFilters,
    filtering: {
      state: toFilteringState(filters),
      onFilteringChange: (state) => update({ ...filters, ...fromFilteringState(state), offset: undefined }),
    },
    search: {
      state: filters.q ?? "",
      onSearchChange: (q) => update({ ...filters, q: q || undefined, offset: undefined }),
    },
    pagination: {
      state: pagination,
      onPaginationChange: (state) => update({ ...filters, offset: state.pageIndex * state.pageSize }),
    },
    onRowClick: (_event, row) => navigate(`/payment-webhooks/${row.id}`),
  })

  const toggleStatus = (status: PaymentWebhookStatus) => {
    const only = filters.status?.length === 1 && filters.status[0] === status
    update({ ...filters, status: only ? undefined : [status], offset: undefined })
  }

  return (
    <div className="flex flex-col gap-y-3">
      <Container className="divide-y p-0">
        <div className="flex flex-col gap-y-1 px-6 py-4">
          <Heading>Payment webhooks</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Every delivery from your payment providers: verified, stored and processed once. Open one to see its attempts or to replay it.
          </Text>
        </div>
        <StatusSummary summary={data?.summary} selected={filters.status ?? []} onSelect={toggleStatus} />
        {isError && (
          <div className="px-6 py-4">
            <Text size="small" className="text-ui-fg-error">
              {error instanceof Error ? error.message : "The payment webhooks could not be loaded."}
            </Text>
          </div>
        )}
        <DataTable instance={table}>
          <DataTable.Toolbar className="flex flex-col items-start justify-between gap-2 px-6 py-4 md:flex-row md:items-center">
            <Text size="small" className="text-ui-fg-subtle">
              {data ? `${data.count} matching` : ""}
            </Text>
            <div className="flex gap-2">
              <DataTable.FilterMenu tooltip="Filter" />
              <DataTable.Search placeholder="Search event id" />
            </div>
          </DataTable.Toolbar>
          <DataTable.Table
            emptyState={{
              empty: { heading: "No payment webhooks yet", description: "Deliveries appear here as soon as a provider sends one." },
              filtered: { heading: "No matching payment webhooks", description: "Change or clear the filters." },
            }}
          />
          <DataTable.Pagination />
        </DataTable>
      </Container>
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Payment webhooks",
  icon: BoltSolid,
})

export default PaymentWebhooksPage
