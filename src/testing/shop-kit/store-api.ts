import { payPaymentIntent, type PaymentOutcome, type PayOptions, type TestPaymentMethod } from "./checkout"
import type { ShopStripe } from "./shop-stripe"

/** Where the shop's store API is: the app's base URL and a publishable API key of its sales channel. */
export interface StoreApiTarget {
  /** The app's URL, e.g. the test runner's `api.defaults.baseURL`. */
  baseUrl: string
  publishableKey: string
}

/** Options of {@link payCart}. */
export interface PayCartOptions extends StoreApiTarget, PayOptions {
  cartId: string
  /** How the customer pays; see {@link TestPaymentMethod}. */
  method: TestPaymentMethod
  /** The Medusa payment provider of the session; default `pp_stripe_stripe`. */
  providerId?: string
}

/** A paid (or attempted) cart: its payment collection and session, and how the payment ended. */
export interface PaidCart extends PaymentOutcome {
  paymentCollectionId: string
  paymentSessionId: string
}

/** Options of {@link createTestCart}: the region, the variant to buy and its shipping option. */
export interface TestCartOptions extends StoreApiTarget {
  regionId: string
  variantId: string
  shippingOptionId: string
  /** Two-letter country of the addresses; it must be in the region. */
  countryCode: string
  quantity?: number
  email?: string
}

/**
 * Does what a storefront does at the payment step, through the shop's own store API: creates the cart's
 * payment collection and a payment session with `providerId`, then pays its PaymentIntent as the customer
 * would ({@link payPaymentIntent}). The order is then the webhook's to make: wait for it with `waitForOrder`.
 */
export async function payCart(shop: ShopStripe, options: PayCartOptions): Promise<PaidCart> {
  const providerId = options.providerId ?? "pp_stripe_stripe"
  const { payment_collection: collection } = await storePost<{ payment_collection: { id: string } }>(
    options,
    "/store/payment-collections",
    { cart_id: options.cartId }
  )
  const { payment_collection: withSession } = await storePost<{
    payment_collection: { payment_sessions?: { id: string; provider_id: string; data: { id?: string } }[] }
  }>(options, `/store/payment-collections/${collection.id}/payment-sessions`, { provider_id: providerId })
  const session = withSession.payment_sessions?.find((candidate) => candidate.provider_id === providerId)
  const paymentIntentId = session?.data?.id
  if (!session || !paymentIntentId) {
    throw new Error(`payCart: no ${providerId} session with a PaymentIntent on payment collection ${collection.id}`)
  }
  const paid = await payPaymentIntent(shop, paymentIntentId, options.method, options)
  return { ...paid, paymentCollectionId: collection.id, paymentSessionId: session.id }
}

/**
 * A cart ready for payment, made through the store API as a storefront makes it: `quantity` (1) of
 * `variantId`, an email, shipping and billing addresses in `countryCode`, and the shipping method. Returns
 * the cart's id.
 */
export async function createTestCart(options: TestCartOptions): Promise<string> {
  const address = {
    first_name: "Test",
    last_name: "Customer",
    address_1: "1 Test Street",
    city: "Testville",
    postal_code: "10115",
    country_code: options.countryCode,
  }
  const { cart } = await storePost<{ cart: { id: string } }>(options, "/store/carts", { region_id: options.regionId })
  await storePost(options, `/store/carts/${cart.id}/line-items`, { variant_id: options.variantId, quantity: options.quantity ?? 1 })
  await storePost(options, `/store/carts/${cart.id}`, {
    email: options.email ?? "customer@example.com",
    shipping_address: address,
    billing_address: address,
  })
  await storePost(options, `/store/carts/${cart.id}/shipping-methods`, { option_id: options.shippingOptionId })
  return cart.id
}

/** A store API POST that must succeed; a failure throws with the answer's body. */
async function storePost<T>(target: StoreApiTarget, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${target.baseUrl.replace(/\/+$/, "")}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-publishable-api-key": target.publishableKey },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) {
    throw new Error(`POST ${path} -> ${response.status}: ${text}`)
  }
  return JSON.parse(text) as T
}
