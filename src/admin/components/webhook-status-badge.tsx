import { StatusBadge } from "@medusajs/ui"
import { statusColor, statusLabel } from "../lib/format"

/** A row's status as a colored badge (dead red, failed orange, processed green). */
export const WebhookStatusBadge = ({ status }: { status: string }) => (
  <StatusBadge color={statusColor(status)} data-status={status}>
    {statusLabel(status)}
  </StatusBadge>
)
