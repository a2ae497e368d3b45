import {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateRegionsWorkflow,
  updateStoresWorkflow,
} from "@medusajs/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import {
  ContainerRegistrationKeys,
  MedusaError,
  Modules,
  ProductStatus,
} from "@medusajs/framework/utils"

/** The currencies the demo store sells in; each has exactly one region and one shipping option. */
export type SeedCurrency = "eur" | "usd" | "jpy"

/** Ids and credentials of the demo data, as `npm run seed` prints them and the integration tests use them. */
export type SeedResult = {
  admin: { email: string; password: string }
  region_ids: Record<SeedCurrency, string>
  sales_channel_id: string
  publishable_api_key: string
  publishable_api_key_id: string
  stock_location_id: string
  shipping_option_ids: Record<SeedCurrency, string>
  shipping_profile_id: string
  product_id: string
  variant_ids: string[]
}

const ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }
const SALES_CHANNEL_NAME = "Default Sales Channel"
const PUBLISHABLE_KEY_TITLE = "Webstore"
const STOCK_LOCATION_NAME = "Main Warehouse"
const FULFILLMENT_SET_NAME = "Main Warehouse delivery"
const SHIPPING_OPTION_NAME = "Standard Shipping"
const MANUAL_FULFILLMENT_PROVIDER_ID = "manual_manual"
const SYSTEM_PAYMENT_PROVIDER_ID = "pp_system_default"
const PRODUCT_HANDLE = "t-shirt"
const STOCKED_QUANTITY = 1_000_000
const SIZES = ["S", "M", "L"]

/** Amounts are in the currency's main unit, as Medusa v2 stores them (JPY has no minor unit). */
const CURRENCIES: Record<
  SeedCurrency,
  { region: string; countries: string[]; shippingAmount: number; productAmount: number }
> = {
  eur: {
    region: "Europe",
    countries: ["de", "fr", "nl", "be", "pl", "it", "es"],
    shippingAmount: 10,
    productAmount: 25,
  },
  usd: { region: "US", countries: ["us"], shippingAmount: 10, productAmount: 30 },
  jpy: { region: "Japan", countries: ["jp"], shippingAmount: 1000, productAmount: 3000 },
}
const CURRENCY_CODES = Object.keys(CURRENCIES) as SeedCurrency[]

/**
 * Seeds the demo store (modelled on Medusa's starter seed): currencies, admin user, sales channel,
 * publishable key, one region per currency with every Stripe provider and the Adyen provider, a warehouse that ships to
 * all seeded countries, a shipping option per region and a stocked T-shirt. Idempotent: each record
 * is looked up by its name, title, handle or email first, so a second run returns the same ids.
 */
export async function seedDemoData(container: MedusaContainer): Promise<SeedResult> {
  const salesChannelId = await ensureSalesChannel(container)
  await ensureStoreCurrencies(container, salesChannelId)
  await ensureAdminUser(container)
  const apiKey = await ensurePublishableApiKey(container, salesChannelId)
  const regionIds = await ensureRegions(container)
  const stockLocationId = await ensureStockLocation(container, salesChannelId)
  const serviceZoneIds = await ensureServiceZones(container, stockLocationId)
  const shippingProfileId = await ensureShippingProfile(container)
  const shippingOptionIds = await ensureShippingOptions(container, {
    serviceZoneIds,
    shippingProfileId,
    regionIds,
  })
  const product = await ensureProduct(container, { salesChannelId, shippingProfileId })
  await ensureInventoryLevels(container, stockLocationId, product.inventoryItemIds)

  return {
    admin: { ...ADMIN },
    region_ids: regionIds,
    sales_channel_id: salesChannelId,
    publishable_api_key: apiKey.token,
    publishable_api_key_id: apiKey.id,
    stock_location_id: stockLocationId,
    shipping_option_ids: shippingOptionIds,
    shipping_profile_id: shippingProfileId,
    product_id: product.id,
    variant_ids: product.variantIds,
  }
}

type LinkedRecords = ({ id: string } | null)[] | undefined

/** Ids of the records a query.graph link field returned (an entry is null when its link dangles). */
function idsOf(records: LinkedRecords): string[] {
  return (records ?? []).flatMap((record) => (record ? [record.id] : []))
}

function includesId(records: LinkedRecords, id: string): boolean {
  return idsOf(records).includes(id)
}

async function ensureSalesChannel(container: MedusaContainer): Promise<string> {
  const [existing] = await container
    .resolve(Modules.SALES_CHANNEL)
    .listSalesChannels({ name: SALES_CHANNEL_NAME })
  if (existing) {
    return existing.id
  }
  const { result } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: SALES_CHANNEL_NAME }] },
  })
  return result[0].id
}

async function ensureStoreCurrencies(container: MedusaContainer, salesChannelId: string) {
  const [store] = await container
    .resolve(Modules.STORE)
    .listStores({}, { relations: ["supported_currencies"] })
  const current = (store.supported_currencies ?? [])
    .map((currency) => `${currency.currency_code}:${currency.is_default}`)
    .sort()
  const wanted = CURRENCY_CODES.map((code) => `${code}:${code === "eur"}`).sort()
  if (
    store.default_sales_channel_id === salesChannelId &&
    current.join() === wanted.join()
  ) {
    return
  }
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: CURRENCY_CODES.map((code) => ({
          currency_code: code,
          is_default: code === "eur",
        })),
        default_sales_channel_id: salesChannelId,
      },
    },
  })
}

/** Same steps as `medusa user`: an emailpass auth identity, then the user linked to it. */
async function ensureAdminUser(container: MedusaContainer) {
  const [user] = await container.resolve(Modules.USER).listUsers({ email: ADMIN.email })
  if (user) {
    return
  }
  const authModule = container.resolve(Modules.AUTH)
  const [identity] = await authModule.listProviderIdentities({
    provider: "emailpass",
    entity_id: ADMIN.email,
  })
  let authIdentityId = identity?.auth_identity_id
  if (!authIdentityId) {
    const { authIdentity, error } = await authModule.register("emailpass", {
      body: { email: ADMIN.email, password: ADMIN.password },
    })
    if (!authIdentity) {
      throw new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Could not register the admin auth identity: ${error}`
      )
    }
    authIdentityId = authIdentity.id
  }
  await createUserAccountWorkflow(container).run({
    input: { authIdentityId, userData: { email: ADMIN.email } },
  })
}

async function ensurePublishableApiKey(
  container: MedusaContainer,
  salesChannelId: string
): Promise<{ id: string; token: string }> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const findKey = async () => {
    const { data } = await query.graph({
      entity: "api_key",
      fields: ["id", "token", "sales_channels.id"],
      filters: { title: PUBLISHABLE_KEY_TITLE, type: "publishable", revoked_at: null },
    })
    return data[0]
  }
  let apiKey = await findKey()
  if (!apiKey) {
    await createApiKeysWorkflow(container).run({
      input: { api_keys: [{ title: PUBLISHABLE_KEY_TITLE, type: "publishable", created_by: "" }] },
    })
    apiKey = await findKey()
  }
  if (!includesId(apiKey.sales_channels, salesChannelId)) {
    await linkSalesChannelsToApiKeyWorkflow(container).run({
      input: { id: apiKey.id, add: [salesChannelId] },
    })
  }
  return { id: apiKey.id, token: apiKey.token }
}

/** Every enabled Stripe and Adyen provider of the Payment Module, plus Medusa's system provider. */
async function listSeedPaymentProviderIds(container: MedusaContainer): Promise<string[]> {
  const providers = await container
    .resolve(Modules.PAYMENT)
    .listPaymentProviders({ is_enabled: true })
  const ownIds = providers.map(({ id }) => id).filter((id) => id.startsWith("pp_stripe") || id.startsWith("pp_adyen"))
  return [...ownIds, SYSTEM_PAYMENT_PROVIDER_ID].sort()
}

/**
 * Regions are found by name; an existing region whose providers differ from the enabled ones (a
 * Stripe or Adyen provider was added since the last seed) gets its provider list replaced.
 */
async function ensureRegions(container: MedusaContainer): Promise<Record<SeedCurrency, string>> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const providerIds = await listSeedPaymentProviderIds(container)
  const regionIds = {} as Record<SeedCurrency, string>
  for (const code of CURRENCY_CODES) {
    const { region: name, countries } = CURRENCIES[code]
    const {
      data: [existing],
    } = await query.graph({
      entity: "region",
      fields: ["id", "payment_providers.id"],
      filters: { name },
    })
    if (!existing) {
      const { result } = await createRegionsWorkflow(container).run({
        input: {
          regions: [{ name, currency_code: code, countries, payment_providers: providerIds }],
        },
      })
      regionIds[code] = result[0].id
      continue
    }
    const currentIds = idsOf(existing.payment_providers).sort()
    if (currentIds.join() !== providerIds.join()) {
      await updateRegionsWorkflow(container).run({
        input: { selector: { id: existing.id }, update: { payment_providers: providerIds } },
      })
    }
    regionIds[code] = existing.id
  }
  return regionIds
}

async function ensureStockLocation(
  container: MedusaContainer,
  salesChannelId: string
): Promise<string> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const {
    data: [existing],
  } = await query.graph({
    entity: "stock_location",
    fields: ["id", "sales_channels.id", "fulfillment_providers.id"],
    filters: { name: STOCK_LOCATION_NAME },
  })
  const location =
    existing ??
    (
      await createStockLocationsWorkflow(container).run({
        input: {
          locations: [
            {
              name: STOCK_LOCATION_NAME,
              address: { city: "Berlin", country_code: "DE", address_1: "" },
            },
          ],
        },
      })
    ).result[0]
  if (!includesId(existing?.sales_channels, salesChannelId)) {
    await linkSalesChannelsToStockLocationWorkflow(container).run({
      input: { id: location.id, add: [salesChannelId] },
    })
  }
  if (!includesId(existing?.fulfillment_providers, MANUAL_FULFILLMENT_PROVIDER_ID)) {
    await container.resolve(ContainerRegistrationKeys.LINK).create({
      [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: MANUAL_FULFILLMENT_PROVIDER_ID },
    })
  }
  return location.id
}

/**
 * One fulfillment set shipped from the warehouse, with a service zone per region (named after it)
 * covering its countries: Medusa lists every option of a zone that matches the shipping address,
 * even options without a price in the cart's currency, so each region gets its own zone.
 */
async function ensureServiceZones(
  container: MedusaContainer,
  stockLocationId: string
): Promise<Record<SeedCurrency, string>> {
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT)
  const serviceZoneFor = (code: SeedCurrency) => ({
    name: CURRENCIES[code].region,
    geo_zones: CURRENCIES[code].countries.map((country_code) => ({
      type: "country" as const,
      country_code,
    })),
  })
  let [fulfillmentSet] = await fulfillmentModule.listFulfillmentSets(
    { name: FULFILLMENT_SET_NAME },
    { relations: ["service_zones"] }
  )
  if (!fulfillmentSet) {
    fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
      name: FULFILLMENT_SET_NAME,
      type: "shipping",
      service_zones: CURRENCY_CODES.map(serviceZoneFor),
    })
    await container.resolve(ContainerRegistrationKeys.LINK).create({
      [Modules.STOCK_LOCATION]: { stock_location_id: stockLocationId },
      [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    })
  }
  const zoneIds = {} as Record<SeedCurrency, string>
  for (const code of CURRENCY_CODES) {
    const zone =
      fulfillmentSet.service_zones.find(({ name }) => name === CURRENCIES[code].region) ??
      (await fulfillmentModule.createServiceZones({
        ...serviceZoneFor(code),
        fulfillment_set_id: fulfillmentSet.id,
      }))
    zoneIds[code] = zone.id
  }
  return zoneIds
}

async function ensureShippingProfile(container: MedusaContainer): Promise<string> {
  const [existing] = await container
    .resolve(Modules.FULFILLMENT)
    .listShippingProfiles({ type: "default" })
  if (existing) {
    return existing.id
  }
  const { result } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
  })
  return result[0].id
}

/** One flat-rate option per region, found again by its region's service zone. */
async function ensureShippingOptions(
  container: MedusaContainer,
  refs: {
    serviceZoneIds: Record<SeedCurrency, string>
    shippingProfileId: string
    regionIds: Record<SeedCurrency, string>
  }
): Promise<Record<SeedCurrency, string>> {
  const existing = await container.resolve(Modules.FULFILLMENT).listShippingOptions({
    name: SHIPPING_OPTION_NAME,
    service_zone: { id: Object.values(refs.serviceZoneIds) },
  })
  const optionIds = {} as Record<SeedCurrency, string>
  for (const code of CURRENCY_CODES) {
    const serviceZoneId = refs.serviceZoneIds[code]
    const found = existing.find((option) => option.service_zone_id === serviceZoneId)
    if (found) {
      optionIds[code] = found.id
      continue
    }
    const amount = CURRENCIES[code].shippingAmount
    const { result } = await createShippingOptionsWorkflow(container).run({
      input: [
        {
          name: SHIPPING_OPTION_NAME,
          price_type: "flat",
          provider_id: MANUAL_FULFILLMENT_PROVIDER_ID,
          service_zone_id: serviceZoneId,
          shipping_profile_id: refs.shippingProfileId,
          type: { label: "Standard", description: "Ship in 2-3 days.", code: "standard" },
          prices: [
            { currency_code: code, amount },
            { region_id: refs.regionIds[code], amount },
          ],
          rules: [
            { attribute: "enabled_in_store", value: "true", operator: "eq" },
            { attribute: "is_return", value: "false", operator: "eq" },
          ],
        },
      ],
    })
    optionIds[code] = result[0].id
  }
  return optionIds
}

type SeededProduct = { id: string; variantIds: string[]; inventoryItemIds: string[] }

async function ensureProduct(
  container: MedusaContainer,
  refs: { salesChannelId: string; shippingProfileId: string }
): Promise<SeededProduct> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const findProduct = async () => {
    const { data } = await query.graph({
      entity: "product",
      fields: ["id", "variants.id", "variants.title", "variants.inventory_items.inventory_item_id"],
      filters: { handle: PRODUCT_HANDLE },
    })
    return data[0]
  }
  let product = await findProduct()
  if (!product) {
    await createProductsWorkflow(container).run({
      input: {
        products: [
          {
            title: "Medusa T-Shirt",
            handle: PRODUCT_HANDLE,
            description: "The demo product: one option, three stocked sizes.",
            status: ProductStatus.PUBLISHED,
            shipping_profile_id: refs.shippingProfileId,
            sales_channels: [{ id: refs.salesChannelId }],
            options: [{ title: "Size", values: SIZES }],
            variants: SIZES.map((size) => ({
              title: size,
              sku: `SHIRT-${size}`,
              options: { Size: size },
              manage_inventory: true,
              prices: CURRENCY_CODES.map((code) => ({
                currency_code: code,
                amount: CURRENCIES[code].productAmount,
              })),
            })),
          },
        ],
      },
    })
    product = await findProduct()
  }
  const variants = [...product.variants].sort(
    (a, b) => SIZES.indexOf(a.title ?? "") - SIZES.indexOf(b.title ?? "")
  )
  return {
    id: product.id,
    variantIds: variants.map((variant) => variant.id),
    inventoryItemIds: variants.flatMap((variant) =>
      (variant.inventory_items ?? []).map(
        (item: { inventory_item_id: string }) => item.inventory_item_id
      )
    ),
  }
}

async function ensureInventoryLevels(
  container: MedusaContainer,
  stockLocationId: string,
  inventoryItemIds: string[]
) {
  const levels = await container.resolve(Modules.INVENTORY).listInventoryLevels({
    location_id: stockLocationId,
    inventory_item_id: inventoryItemIds,
  })
  const stocked = new Set(levels.map((level) => level.inventory_item_id))
  const missing = inventoryItemIds.filter((id) => !stocked.has(id))
  if (!missing.length) {
    return
  }
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: missing.map((inventory_item_id) => ({
        inventory_item_id,
        location_id: stockLocationId,
        stocked_quantity: STOCKED_QUANTITY,
      })),
    },
  })
}
