import { clx, Text } from "@medusajs/ui"
import { dotClass, statusColor, statusLabel } from "../lib/format"
import { PAYMENT_WEBHOOK_STATUSES, type PaymentWebhookStatus } from "../lib/types"

type Props = {
  summary: Record<PaymentWebhookStatus, number> | undefined
  selected: PaymentWebhookStatus[]
  onSelect: (status: PaymentWebhookStatus) => void
}

/**
 * How many rows each status has (under the other filters), one button per status that filters the
 * list to it. Dead rows are red, and stand out when there are any.
 */
export const StatusSummary = ({ summary, selected, onSelect }: Props) => (
  <div className="flex flex-wrap gap-2 px-6 py-4" data-testid="status-summary">
    {PAYMENT_WEBHOOK_STATUSES.map((status) => {
      const count = summary?.[status] ?? 0
      const active = selected.includes(status)
      const alarming = status === "dead" && count > 0
      return (
        <button
          key={status}
          type="button"
          data-testid={`summary-${status}`}
          aria-pressed={active}
          onClick={() => onSelect(status)}
          className={clx(
            "shadow-borders-base flex items-center gap-x-2 rounded-md px-3 py-1.5 transition-fg",
            active ? "bg-ui-bg-base-pressed" : "bg-ui-bg-base hover:bg-ui-bg-base-hover",
            alarming && "bg-ui-tag-red-bg text-ui-tag-red-text hover:bg-ui-tag-red-bg-hover"
          )}
        >
          <span className={clx("size-2 rounded-full", dotClass(statusColor(status)))} />
          <Text size="small" leading="compact" weight="plus" className={clx(alarming && "text-ui-tag-red-text")}>
            {statusLabel(status)}
          </Text>
          <Text size="small" leading="compact" className={clx(alarming ? "text-ui-tag-red-text" : "text-ui-fg-subtle")}>
            {count}
          </Text>
        </button>
      )
    })}
  </div>
)
