import type {
  HttpTypes,
  MedusaContainer,
  OrderDTO,
  PaymentCollectionDTO,
} from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { seedDemoData, type SeedCurrency, type SeedResult } from "../../scripts/lib/seed-data"

/** The part of the test runner's axios instance (`api`) that these helpers use. */
export type StoreApi = {
  post<T>(
    url: string,
    body?: unknown,
    config?: { headers?: Record<string, string>; validateStatus?: (status: number) => boolean }
  ): Promise<{ status: number; data: T }>
}

/** A cart with items, addresses and shipping, and the payment session a storefront just started. */
export type CartReadyForPayment = {
  cart: HttpTypes.StoreCart
  paymentCollection: HttpTypes.StorePaymentCollection
  paymentSession: HttpTypes.StorePaymentSession
}

/** The order a cart became, with its payments and their captures and refunds. */
export type CartOrder = Pick<OrderDTO, "id" | "status" | "currency_code"> & {
  payment_collections: PaymentCollectionDTO[]
}

const COUNTRY_BY_CURRENCY: Record<SeedCurrency, string> = { eur: "de", usd: "us", jpy: "jp" }

/** Seeds the demo store into the test database; the same data `npm run seed` creates. */
export async function seedForTests(container: MedusaContainer): Promise<SeedResult> {
  return seedDemoData(container)
}

/**
 * Walks the storefront checkout up to the payment step: a cart in the currency's region with one
 * T-shirt line, email and addresses, the region's shipping option, a payment collection and a
 * payment session with `providerId` (for Stripe providers `data.id` is the PaymentIntent id).
 */
export async function createCartReadyForPayment(
  api: StoreApi,
  seed: SeedResult,
  opts: { currency: SeedCurrency; providerId: string; quantity?: number; email?: string }
): Promise<CartReadyForPayment> {
  const post = <T>(url: string, body: unknown) => storePost<T>(api, seed, url, body)
  const address = {
    first_name: "Test",
    last_name: "Buyer",
    address_1: "1 Test Street",
    city: "Testville",
    postal_code: "10115",
    country_code: COUNTRY_BY_CURRENCY[opts.currency],
  }

  const { cart: created } = await post<HttpTypes.StoreCartResponse>("/store/carts", {
    region_id: seed.region_ids[opts.currency],
  })
  await post(`/store/carts/${created.id}/line-items`, {
    variant_id: seed.variant_ids[0],
    quantity: opts.quantity ?? 1,
  })
  await post(`/store/carts/${created.id}`, {
    email: opts.email ?? "buyer@example.com",
    shipping_address: address,
    billing_address: address,
  })
  const { cart } = await post<HttpTypes.StoreCartResponse>(
    `/store/carts/${created.id}/shipping-methods`,
    { option_id: seed.shipping_option_ids[opts.currency] }
  )
  const { payment_collection: collection } = await post<HttpTypes.StorePaymentCollectionResponse>(
    "/store/payment-collections",
    { cart_id: cart.id }
  )
  const { payment_collection: paymentCollection } =
    await post<HttpTypes.StorePaymentCollectionResponse>(
      `/store/payment-collections/${collection.id}/payment-sessions`,
      { provider_id: opts.providerId }
    )
  const paymentSession = paymentCollection.payment_sessions?.find(
    (session) => session.provider_id === opts.providerId
  )
  if (!paymentSession) {
    throw new Error(`No ${opts.providerId} session on payment collection ${collection.id}`)
  }
  return { cart, paymentCollection, paymentSession }
}

/** POST /store/carts/:id/complete as a storefront sends it; any status is returned, not thrown. */
export async function completeCart(
  api: StoreApi,
  seed: SeedResult,
  cartId: string
): Promise<{ status: number; data: HttpTypes.StoreCompleteCartResponse }> {
  const { status, data } = await api.post<HttpTypes.StoreCompleteCartResponse>(
    `/store/carts/${cartId}/complete`,
    {},
    { headers: storeHeaders(seed), validateStatus: () => true }
  )
  return { status, data }
}

/** The order created from the cart (through the order-cart link), or null while there is none. */
export async function getCartOrder(
  container: MedusaContainer,
  cartId: string
): Promise<CartOrder | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const {
    data: [link],
  } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  if (!link) {
    return null
  }
  const {
    data: [order],
  } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "status",
      "currency_code",
      "payment_collections.*",
      "payment_collections.payments.*",
      "payment_collections.payments.captures.*",
      "payment_collections.payments.refunds.*",
    ],
    filters: { id: link.order_id },
  })
  return order ?? null
}

/** How many orders the cart became (order-cart links): 1 after a completed checkout, never more. */
export async function countCartOrders(container: MedusaContainer, cartId: string): Promise<number> {
  const { data } = await container
    .resolve(ContainerRegistrationKeys.QUERY)
    .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  return data.length
}

/**
 * Sets the stock of `variantId` at the seeded stock location, as a merchant correcting the count
 * would (e.g. to 0, so a cart that is ready for payment can no longer become an order).
 */
export async function setVariantStock(
  container: MedusaContainer,
  seed: SeedResult,
  variantId: string,
  stockedQuantity: number
): Promise<void> {
  const {
    data: [variant],
  } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "variant",
    fields: ["inventory_items.inventory_item_id"],
    filters: { id: variantId },
  })
  type InventoryLink = { inventory_item_id?: string | null } | null
  const inventoryItemIds: string[] = (variant?.inventory_items ?? []).flatMap((item: InventoryLink) =>
    item?.inventory_item_id ? [item.inventory_item_id] : []
  )
  if (!inventoryItemIds.length) {
    throw new Error(`Variant ${variantId} has no inventory item`)
  }
  await container.resolve(Modules.INVENTORY).updateInventoryLevels(
    inventoryItemIds.map((inventory_item_id) => ({
      inventory_item_id,
      location_id: seed.stock_location_id,
      stocked_quantity: stockedQuantity,
    }))
  )
}

/** Headers of an admin API call as the seeded admin (`POST /auth/user/emailpass`). */
export async function adminHeaders(api: StoreApi, seed: SeedResult): Promise<Record<string, string>> {
  const { status, data } = await api.post<{ token?: string }>("/auth/user/emailpass", seed.admin, {
    validateStatus: () => true,
  })
  if (status !== 200 || !data.token) {
    throw new Error(`Admin login -> ${status}: ${JSON.stringify(data)}`)
  }
  return { authorization: `Bearer ${data.token}` }
}

function storeHeaders(seed: SeedResult): Record<string, string> {
  return { "x-publishable-api-key": seed.publishable_api_key }
}

/** A store API call that must succeed; a failure throws with the response body, not just the status. */
async function storePost<T>(
  api: StoreApi,
  seed: SeedResult,
  url: string,
  body: unknown
): Promise<T> {
  const response = await api.post<T>(url, body, {
    headers: storeHeaders(seed),
    validateStatus: () => true,
  })
  if (response.status >= 300) {
    throw new Error(`POST ${url} -> ${response.status}: ${JSON.stringify(response.data)}`)
  }
  return response.data
}
