import { WEBHOOK_EVENT_STATUSES, type WebhookEventStatus } from "../types"

/** A `created_at` range, as Medusa's operator map writes it (`created_at[$gte]=...`). */
export interface DateRange {
  $eq?: Date | string
  $gt?: Date | string
  $gte?: Date | string
  $lt?: Date | string
  $lte?: Date | string
}

/**
 * What an operator filters inbox rows by (the admin list, bulk replay, code calling the replay
 * workflows). Every given field narrows the rows; a list means "any of these".
 */
export interface PaymentWebhookFilters {
  status?: WebhookEventStatus[]
  provider_id?: string[]
  event_type?: string[]
  session_id?: string[]
  cart_id?: string[]
  order_id?: string[]
  /** Part of the row's id or of its event key (the provider's event id), case-insensitive. */
  q?: string
  created_at?: DateRange
}

/** The filter fields, in the order messages name them. */
export const PAYMENT_WEBHOOK_FILTER_FIELDS = [
  "status",
  "provider_id",
  "event_type",
  "session_id",
  "cart_id",
  "order_id",
  "q",
  "created_at",
] as const satisfies readonly (keyof PaymentWebhookFilters)[]

const LIST_FIELDS = ["provider_id", "event_type", "session_id", "cart_id", "order_id"] as const
const RANGE_OPERATORS = ["$eq", "$gt", "$gte", "$lt", "$lte"] as const

/** Whether `filters` narrows anything at all (an empty list or range counts as no filter). */
export function hasAnyFilter(filters: PaymentWebhookFilters): boolean {
  return PAYMENT_WEBHOOK_FILTER_FIELDS.some((field) => {
    const value = filters[field]
    if (value === undefined || value === null) {
      return false
    }
    if (Array.isArray(value)) {
      return value.length > 0
    }
    if (typeof value === "object") {
      return RANGE_OPERATORS.some((operator) => (value as DateRange)[operator] !== undefined)
    }
    return String(value).length > 0
  })
}

/**
 * The inbox module's filter object (what `listPaymentWebhookEvents`, Medusa's Query and the
 * module's status summary take) for `filters`. `omitStatus` leaves the status out: the list's
 * per-status summary counts the same rows whatever their status.
 */
export function toEventFilters(
  filters: PaymentWebhookFilters,
  { omitStatus = false }: { omitStatus?: boolean } = {}
): Record<string, unknown> {
  const where: Record<string, unknown> = {}
  if (!omitStatus && filters.status?.length) {
    where.status = [...filters.status]
  }
  for (const field of LIST_FIELDS) {
    const values = filters[field]
    if (values?.length) {
      where[field] = [...values]
    }
  }
  const range = filters.created_at
  if (range) {
    const operators = Object.fromEntries(
      RANGE_OPERATORS.filter((operator) => range[operator] !== undefined).map((operator) => [
        operator,
        new Date(range[operator] as Date | string),
      ])
    )
    if (Object.keys(operators).length) {
      where.created_at = operators
    }
  }
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q)}%`
    where.$or = [{ id: { $ilike: pattern } }, { event_key: { $ilike: pattern } }]
  }
  return where
}

/** Escapes LIKE's wildcards (Postgres' default escape character is the backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}

/** A count for every status, zero where no row has it. */
export function emptyStatusSummary(): Record<WebhookEventStatus, number> {
  return Object.fromEntries(WEBHOOK_EVENT_STATUSES.map((status) => [status, 0])) as Record<WebhookEventStatus, number>
}
