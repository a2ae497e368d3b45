import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import {
  StripeBancontactService,
  StripeBlikService,
  StripeEpsService,
  StripeGiropayService,
  StripeIdealService,
  StripeKlarnaService,
  StripeOxxoService,
  StripePromptpayService,
  StripeProviderService,
  StripePrzelewy24Service,
  StripeSepaDebitService,
} from "./services"

export * from "./services"
export { StripeBase, type PaymentIntentDefaults } from "./base"
export { toStripeAmount, fromStripeAmount } from "./amounts"
export {
  STRIPE_EVENT_ACTIONS,
  ASYNC_PAYMENT_METHOD_TYPES,
  actionForStripeEvent,
  type WebhookAction,
  type ActionableWebhookAction,
  type StripeEventType,
} from "./event-actions"
export {
  type StripeOptions,
  type ResolvedStripeOptions,
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  validateStripeOptions,
} from "./options"
export { verifyStripeWebhook, signatureHeaderFrom, STRIPE_SIGNATURE_HEADER } from "./webhook-verification"
export {
  describeStripeEvent,
  lookupsFor,
  MEDUSA_REFUND_ID_METADATA_KEY,
  type StripeLookups,
  type StripeLookupResults,
  type StripeWebhookResult,
  type StripeWebhookData,
  type UnsupportedWebhookData,
  type WebhookRefund,
  type WebhookDispute,
  type WebhookEventFacts,
} from "./webhook-event"
export { resolveStripeEvent } from "./webhook-resolution"
export { createFencedHttpClient } from "./fenced-http-client"

/** Every Stripe payment provider of this plugin, registered with Medusa as `pp_<identifier>_<id>`. */
export default ModuleProvider(Modules.PAYMENT, {
  services: [
    StripeProviderService,
    StripeBancontactService,
    StripeBlikService,
    StripeEpsService,
    StripeGiropayService,
    StripeIdealService,
    StripeKlarnaService,
    StripeOxxoService,
    StripePromptpayService,
    StripePrzelewy24Service,
    StripeSepaDebitService,
  ],
})
