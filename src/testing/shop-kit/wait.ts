import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * Options of {@link waitFor}: how long (default 60 s), how often (100 ms), and what for (named in the
 * error). The default bound is generous on purpose: a wait returns as soon as the state is there, so the
 * bound only matters when something is wrong, and a loaded CI machine can take many seconds for one
 * payment to become an order.
 */
export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
  what?: string
}

/**
 * Polls `probe` until it returns a truthy value, which is returned, or `timeoutMs` passes: then it throws,
 * naming `what` and the probe's last error. A bounded wait for a state, never a fixed sleep.
 */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 100, what = "condition" }: WaitOptions = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) {
        return value
      }
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`)
}

/** The order a cart became, with its payments. */
export interface TestOrder {
  id: string
  status: string
  payment_collections: { payments?: { id: string; amount: unknown; captured_at: unknown; provider_id: string }[] }[]
}

/** The order the cart became (through the order-cart link), or null while there is none. */
export async function findCartOrder(container: MedusaContainer, cartId: string): Promise<TestOrder | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: links } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  if (!links[0]) {
    return null
  }
  const { data: orders } = await query.graph({
    entity: "order",
    fields: ["id", "status", "payment_collections.payments.*"],
    filters: { id: links[0].order_id },
  })
  return (orders[0] as TestOrder | undefined) ?? null
}

/** Waits (bounded, `timeoutMs` default 60 s) until the cart has become an order - made by the webhook - and returns it. */
export function waitForOrder(container: MedusaContainer, cartId: string, options: Omit<WaitOptions, "what"> = {}): Promise<TestOrder> {
  return waitFor(() => findCartOrder(container, cartId), { ...options, what: `the order of cart ${cartId}` })
}
