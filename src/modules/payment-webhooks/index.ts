import { Module } from "@medusajs/framework/utils"
import { coreBodyParserLoader } from "../../endpoint/core-body-parser"
import PaymentWebhooksModuleService from "./service"

/** Container key of the inbox module: `req.scope.resolve(PAYMENT_WEBHOOKS_MODULE)`. */
export const PAYMENT_WEBHOOKS_MODULE = "paymentWebhooks"

export default Module(PAYMENT_WEBHOOKS_MODULE, {
  service: PaymentWebhooksModuleService,
  // Module loaders are the plugin's only code that runs at boot before Medusa's API loader reads the
  // body-parser declarations; the webhook route needs Medusa's parser off for its path by then.
  loaders: [coreBodyParserLoader],
})

export { PaymentWebhooksModuleService }
export * from "./types"
