import { Module } from "@medusajs/framework/utils"
import PaymentWebhooksModuleService from "./service"

/** Container key of the inbox module: `req.scope.resolve(PAYMENT_WEBHOOKS_MODULE)`. */
export const PAYMENT_WEBHOOKS_MODULE = "paymentWebhooks"

export default Module(PAYMENT_WEBHOOKS_MODULE, {
  service: PaymentWebhooksModuleService,
})

export { PaymentWebhooksModuleService }
export * from "./types"
