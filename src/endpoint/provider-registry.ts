import type { IPaymentModuleService } from "@medusajs/framework/types"
import { WebhookHttpError } from "./http-errors"

const KNOWN_FOR_MS = 60_000
const known = new Map<string, number>()

/**
 * Throws `unknown_provider` unless the Payment Module has the provider. Positive answers are kept
 * for a minute so a burst of deliveries costs one lookup; unknown ids are never cached (a provider
 * can be added by a restart at any time).
 */
export async function assertProviderRegistered(
  paymentModule: IPaymentModuleService,
  providerId: string
): Promise<void> {
  const seenAt = known.get(providerId)
  if (seenAt !== undefined && Date.now() - seenAt < KNOWN_FOR_MS) {
    return
  }
  const [provider] = await paymentModule.listPaymentProviders({ id: [providerId] }, { take: 1 })
  if (!provider) {
    throw new WebhookHttpError("unknown_provider", `No payment provider with id "${providerId}" is registered`)
  }
  known.set(providerId, Date.now())
}
