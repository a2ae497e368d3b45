import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils"

/**
 * Medusa's core workflows, loaded when a store is made rather than when the kit is imported: loading
 * `@medusajs/core-flows` registers every core workflow in the process-wide workflow manager, so a
 * process that only starts the simulator, or that already loaded another copy of core-flows, must not
 * load it as a side effect of importing `/testing`.
 */
function coreFlows(): typeof import("@medusajs/core-flows") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@medusajs/core-flows")
}

/** Options of {@link createTestStore}. */
export interface TestStoreOptions {
  /** The payment providers the region offers, e.g. `["pp_stripe_stripe"]`. */
  providerIds: string[]
  /** Lower-case ISO 4217 code; default `eur`. */
  currency?: string
  /** Country of the region and of the test addresses; default `de`. */
  countryCode?: string
  /** Price of the product in major units; default 25 (shipping costs 10). */
  price?: number
}

/** The ids a test needs to make carts in the test store (see `createTestCart`). */
export interface TestStore {
  regionId: string
  salesChannelId: string
  publishableKey: string
  productId: string
  variantId: string
  shippingOptionId: string
  countryCode: string
}

const MANUAL_FULFILLMENT_PROVIDER_ID = "manual_manual"

/**
 * A minimal store for a shop's payment tests, for a database with nothing in it (as the integration test
 * runner gives each test file): a sales channel and its publishable key, a region in `currency` offering
 * `providerIds`, a warehouse shipping to `countryCode` with a flat shipping option, and one published
 * product whose variant needs no stock. A shop with its own seed script can use that instead.
 */
export async function createTestStore(container: MedusaContainer, options: TestStoreOptions): Promise<TestStore> {
  const currency = options.currency ?? "eur"
  const countryCode = options.countryCode ?? "de"
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const {
    createApiKeysWorkflow,
    createProductsWorkflow,
    createRegionsWorkflow,
    createSalesChannelsWorkflow,
    createShippingOptionsWorkflow,
    createShippingProfilesWorkflow,
    createStockLocationsWorkflow,
    linkSalesChannelsToApiKeyWorkflow,
    linkSalesChannelsToStockLocationWorkflow,
    updateStoresWorkflow,
  } = coreFlows()

  const {
    result: [salesChannel],
  } = await createSalesChannelsWorkflow(container).run({ input: { salesChannelsData: [{ name: "Test channel" }] } })
  const [store] = await container.resolve(Modules.STORE).listStores()
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: { supported_currencies: [{ currency_code: currency, is_default: true }], default_sales_channel_id: salesChannel.id },
    },
  })
  const {
    result: [apiKey],
  } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Test storefront", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: apiKey.id, add: [salesChannel.id] } })
  const {
    result: [region],
  } = await createRegionsWorkflow(container).run({
    input: { regions: [{ name: "Test region", currency_code: currency, countries: [countryCode], payment_providers: options.providerIds }] },
  })

  const {
    result: [location],
  } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Test warehouse", address: { city: "Berlin", country_code: countryCode.toUpperCase(), address_1: "" } }] },
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [salesChannel.id] } })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: MANUAL_FULFILLMENT_PROVIDER_ID },
  })
  const fulfillmentSet = await container.resolve(Modules.FULFILLMENT).createFulfillmentSets({
    name: "Test delivery",
    type: "shipping",
    service_zones: [{ name: "Test zone", geo_zones: [{ type: "country", country_code: countryCode }] }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })
  const [existingProfile] = await container.resolve(Modules.FULFILLMENT).listShippingProfiles({ type: "default" })
  const shippingProfileId =
    existingProfile?.id ??
    (await createShippingProfilesWorkflow(container).run({ input: { data: [{ name: "Default", type: "default" }] } })).result[0].id
  const {
    result: [shippingOption],
  } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Test shipping",
        price_type: "flat",
        provider_id: MANUAL_FULFILLMENT_PROVIDER_ID,
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfileId,
        type: { label: "Standard", description: "Test shipping", code: "standard" },
        prices: [
          { currency_code: currency, amount: 10 },
          { region_id: region.id, amount: 10 },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

  const {
    result: [product],
  } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Test product",
          status: ProductStatus.PUBLISHED,
          shipping_profile_id: shippingProfileId,
          sales_channels: [{ id: salesChannel.id }],
          options: [{ title: "Size", values: ["One size"] }],
          variants: [
            {
              title: "One size",
              options: { Size: "One size" },
              manage_inventory: false,
              prices: [{ currency_code: currency, amount: options.price ?? 25 }],
            },
          ],
        },
      ],
    },
  })

  return {
    regionId: region.id,
    salesChannelId: salesChannel.id,
    publishableKey: apiKey.token,
    productId: product.id,
    variantId: product.variants[0].id,
    shippingOptionId: shippingOption.id,
    countryCode,
  }
}
