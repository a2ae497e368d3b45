import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { AdyenProviderService } from "./service"

export { AdyenProviderService, type AdyenPaymentData } from "./service"
export { toAdyenAmount, fromAdyenAmount, adyenCurrencyExponent } from "./amounts"
export {
  ADYEN_EVENT_ACTIONS,
  ADYEN_FAILED_EVENT_ACTIONS,
  ADYEN_DISPUTE_STATUS,
  actionForAdyenEvent,
  isHandledAdyenEvent,
  type AdyenEventCode,
} from "./event-codes"
export {
  adyenEventId,
  describeAdyenItem,
  parseAdyenNotification,
  verifyAdyenNotification,
  type AdyenNotification,
  type AdyenNotificationItem,
  type AdyenWebhookData,
  type AdyenWebhookResult,
} from "./notification"
export { type AdyenOptions, type ResolvedAdyenOptions, validateAdyenOptions } from "./options"

/** The Adyen payment provider of this plugin, registered with Medusa as `pp_adyen_<id>`. */
export default ModuleProvider(Modules.PAYMENT, { services: [AdyenProviderService] })
