import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"

/** The Payment Module's internal registry of providers, as Medusa 2.x has it. */
type ProviderRegistry = { retrieveProvider?: (providerId: string) => unknown }

/**
 * Medusa behaviour this relies on: the Payment Module's service keeps its provider registry in
 * `paymentProviderService_`, whose `retrieveProvider(id)` returns the provider instance. It is not
 * public API (the module exposes no way to call a provider method of our own, such as
 * `resolveWebhookEvent` or `getPaymentStatus` without side effects), so it is read in this one
 * place, and a test fails naming it when a Medusa release changes it.
 */
export const PROVIDER_REGISTRY_BEHAVIOUR = "Payment Module service's paymentProviderService_.retrieveProvider(providerId)"

/** The provider instance registered as `providerId` (`pp_...`) in the Payment Module. */
export function paymentProviderOf(container: MedusaContainer, providerId: string): unknown {
  const paymentModule = container.resolve<{ paymentProviderService_?: ProviderRegistry }>(Modules.PAYMENT)
  const registry = paymentModule.paymentProviderService_
  if (typeof registry?.retrieveProvider !== "function") {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `medusa-payment-webhooks cannot reach payment providers: this Medusa version changed the ${PROVIDER_REGISTRY_BEHAVIOUR}`
    )
  }
  return registry.retrieveProvider(providerId)
}
