/**
 * An offline Adyen: an HTTP server that `@adyen/api-library` talks to (the Adyen provider's
 * `checkoutEndpoint` option), which keeps sessions and payments in memory and delivers notifications
 * signed item by item with the library's HMAC, like Adyen does.
 */
export {
  ADYEN_SIMULATOR_DEFAULTS,
  AdyenSimulator,
  CHECKOUT_API_VERSION,
  startAdyenSimulator,
  type AdyenSimulatorOptions,
  type SimulatedPayment,
  type SimulatedSession,
} from "./server"
export {
  DEFAULT_NOTIFICATION_DELIVERY,
  EventCode,
  itemEventId,
  notificationRequestBody,
  signNotificationItem,
  type AdyenWebhookEndpoint,
  type NotificationDeliveryOptions,
  type NotificationDeliveryRecord,
  type NotificationRequest,
  type NotificationRequestItem,
  type UnsignedItem,
} from "./notifications"
