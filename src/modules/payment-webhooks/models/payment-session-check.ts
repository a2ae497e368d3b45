import { model } from "@medusajs/framework/utils"

/**
 * The reconciler's memory of one payment session: when it last asked the provider about it, what
 * the provider said, and when to ask again (the interval grows, so abandoned checkouts are not
 * asked about every run).
 */
const PaymentSessionCheck = model
  .define("payment_session_check", {
    id: model.id({ prefix: "pwhchk" }).primaryKey(),
    session_id: model.text(),
    provider_id: model.text(),
    checks: model.number().default(0),
    last_status: model.text().nullable(),
    checked_at: model.dateTime().nullable(),
    next_check_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["session_id"], unique: true }])

export default PaymentSessionCheck
