import { createFindParams, createSelectParams } from "@medusajs/medusa/api/utils/validators"
import { z } from "@medusajs/framework/zod"
import { WEBHOOK_EVENT_STATUSES } from "../../../modules/payment-webhooks/types"
import { hasAnyFilter, PAYMENT_WEBHOOK_FILTER_FIELDS } from "../../../modules/payment-webhooks/utils/filters"

/** The most rows one page of the list returns. */
export const MAX_PAGE_SIZE = 500

/** `a,b` or `a` or `[a, b]` (repeated query keys) -> `[a, b]`. */
const toList = (value: unknown) => (typeof value === "string" ? value.split(",").map((part) => part.trim()).filter(Boolean) : value)

/** One value or several (a list, or comma-separated). */
const oneOrMany = <T extends z.ZodType>(item: T) => z.preprocess(toList, z.array(item).min(1)).optional()

/** One or several of `values`; anything else is refused with a message naming the field and the values it takes. */
const oneOrManyOf = <T extends string>(field: string, values: readonly T[]) =>
  z
    .preprocess(
      toList,
      z
        .array(z.string())
        .min(1)
        .superRefine((given, ctx) => {
          const unknown = given.filter((value) => !values.includes(value as T))
          if (unknown.length) {
            ctx.addIssue({
              code: "custom",
              message: `Field '${field}' takes ${values.join(", ")}; got: '${unknown.join(", ")}'`,
            })
          }
        })
        .transform((given) => given as T[])
    )
    .optional()

/** `created_at[gte]` is accepted for `created_at[$gte]`; any other operator is refused (not ignored). */
const withDollarKeys = (value: unknown) =>
  value && typeof value === "object" && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.startsWith("$") ? key : `$${key}`, inner]))
    : value

const isoDate = z.coerce.date()

/** Medusa's operator map for a timestamp, limited to what a date range needs. */
const dateRange = z
  .preprocess(
    withDollarKeys,
    z
      .object({ $eq: isoDate.optional(), $gt: isoDate.optional(), $gte: isoDate.optional(), $lt: isoDate.optional(), $lte: isoDate.optional() })
      .strict()
  )
  .optional()

/** The filters of the list and of bulk replay (see `PaymentWebhookFilters`). */
export const PaymentWebhookFilterFields = z.object({
  status: oneOrManyOf("status", WEBHOOK_EVENT_STATUSES),
  provider_id: oneOrMany(z.string().min(1)),
  event_type: oneOrMany(z.string().min(1)),
  session_id: oneOrMany(z.string().min(1)),
  cart_id: oneOrMany(z.string().min(1)),
  order_id: oneOrMany(z.string().min(1)),
  q: z.string().trim().min(1).max(200).optional(),
  created_at: dateRange,
})

/** A page size / offset from the query string: a whole number in range, or a 400 naming the field. */
const integerParam = (min: number, max: number, fallback: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value), z.number().int().min(min).max(max).default(fallback))

/** `GET /admin/payment-webhooks`: Medusa's find params (newest first by default) and the filters. */
export const AdminGetPaymentWebhooksParams = createFindParams({ limit: 20, offset: 0, order: "-created_at" })
  .extend({
    limit: integerParam(1, MAX_PAGE_SIZE, 20),
    offset: integerParam(0, Number.MAX_SAFE_INTEGER, 0),
  })
  .merge(PaymentWebhookFilterFields)
export type AdminGetPaymentWebhooksParamsType = z.infer<typeof AdminGetPaymentWebhooksParams>

/** `GET /admin/payment-webhooks/:id` (and the replay answer): `fields` only. */
export const AdminGetPaymentWebhookParams = createSelectParams()
export type AdminGetPaymentWebhookParamsType = z.infer<typeof AdminGetPaymentWebhookParams>

/** `POST /admin/payment-webhooks/:id/replay`. */
export const AdminReplayPaymentWebhook = z
  .object({
    /** Replay a `processed` or `ignored` row too (the workflow's dedupe rules still apply). */
    force: z.boolean().optional(),
  })
  .strict()
export type AdminReplayPaymentWebhookType = z.infer<typeof AdminReplayPaymentWebhook>

/** `POST /admin/payment-webhooks/replay`: the list's filters (at least one) and `force`. */
export const AdminReplayPaymentWebhooks = PaymentWebhookFilterFields.extend({
  force: z.boolean().optional(),
})
  .strict()
  .refine(hasAnyFilter, {
    message: `At least one filter is required: ${PAYMENT_WEBHOOK_FILTER_FIELDS.join(", ")}`,
  })
export type AdminReplayPaymentWebhooksType = z.infer<typeof AdminReplayPaymentWebhooks>
