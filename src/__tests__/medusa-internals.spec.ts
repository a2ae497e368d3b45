import path from "node:path"
import { paymentProviderOf, PROVIDER_REGISTRY_BEHAVIOUR } from "../processing/payment-provider"

/**
 * Fences around the Medusa behaviour the plugin relies on that is not public API (the body parser of
 * the webhook path has its own spec, `endpoint/__tests__/core-body-parser.spec.ts`). When a Medusa
 * release changes one of them, its test fails with a message naming what changed.
 */
jest.setTimeout(60 * 1000)

const ROUTE_OVERRIDE_BEHAVIOUR =
  "Medusa's API loader (@medusajs/medusa/dist/loaders/api.js) passes core's api directory before the plugins' to " +
  "ApiLoader, and RoutesLoader lets a later registration of the same path and method replace the earlier one, " +
  "so the plugin's POST /hooks/payment/:provider replaces core's"
const ADMIN_VALIDATORS_BEHAVIOUR =
  "@medusajs/medusa/api/utils/validators exports createFindParams and createSelectParams (zod schemas of " +
  "limit/offset/order/fields), which the plugin's admin list and detail routes validate their queries with"

function fence(behaviour: string, holds: boolean, detail: string): void {
  if (!holds) {
    throw new Error(`A Medusa release changed what the plugin relies on: ${behaviour}. ${detail}`)
  }
}

/** `require`, but a missing module fails the fence naming the behaviour instead of a bare resolution error. */
function requireFor<T>(behaviour: string, id: string): T {
  try {
    return require(id) as T
  } catch (error) {
    fence(behaviour, false, `Cannot load ${id}: ${(error as Error).message}`)
    throw error
  }
}

describe("the plugin's webhook route replaces Medusa's core route (fence)", () => {
  const coreApiDir = path.join(path.dirname(require.resolve("@medusajs/medusa/api/hooks/middlewares")), "..")

  it("Medusa's API loader hands ApiLoader core's api directory first, then each plugin's", () => {
    const loaderPath = path.join(coreApiDir, "..", "loaders", "api.js")
    let sourceDirs: unknown
    jest.isolateModules(() => {
      jest.doMock("@medusajs/framework/http", () => ({
        ApiLoader: class {
          constructor(options: { sourceDir: unknown }) {
            sourceDirs = options.sourceDir
          }
          async load(): Promise<void> {}
        },
      }))
      const loadApi = requireFor<{ default: (input: unknown) => Promise<unknown> }>(ROUTE_OVERRIDE_BEHAVIOUR, loaderPath).default
      void loadApi({
        app: { use: () => undefined },
        container: { resolve: () => ({ projectConfig: { http: {} } }) },
        plugins: [{ resolve: "/shop/node_modules/medusa-payment-webhooks/.medusa/server/src" }],
      })
    })
    jest.dontMock("@medusajs/framework/http")
    fence(
      ROUTE_OVERRIDE_BEHAVIOUR,
      JSON.stringify(sourceDirs) === JSON.stringify([coreApiDir, "/shop/node_modules/medusa-payment-webhooks/.medusa/server/src/api"]),
      `ApiLoader got sourceDir ${JSON.stringify(sourceDirs)}`
    )
  })

  it("RoutesLoader: the same path and method scanned later (the plugin's) replaces the earlier (core's)", async () => {
    const httpDir = path.dirname(require.resolve("@medusajs/framework/http"))
    const { RoutesLoader } = requireFor<{ RoutesLoader: new () => RoutesLoaderLike }>(
      ROUTE_OVERRIDE_BEHAVIOUR,
      path.join(httpDir, "routes-loader")
    )
    type RoutesLoaderLike = {
      scanDir(dir: string): Promise<void>
      getRoutes(): { matcher: string; method: string; absolutePath: string }[]
    }
    const loader = new RoutesLoader()
    await loader.scanDir(path.join(coreApiDir, "hooks"))
    const core = loader.getRoutes().find((route) => route.matcher === "/payment/:provider" && route.method === "POST")
    fence(ROUTE_OVERRIDE_BEHAVIOUR, core !== undefined, "Core declares no POST /hooks/payment/:provider any more")

    await loader.scanDir(path.join(__dirname, "..", "api", "hooks"))
    const webhookRoutes = loader.getRoutes().filter((route) => route.matcher === "/payment/:provider" && route.method === "POST")
    fence(
      ROUTE_OVERRIDE_BEHAVIOUR,
      webhookRoutes.length === 1 && webhookRoutes[0].absolutePath.startsWith(path.join(__dirname, "..", "api")),
      `POST /hooks/payment/:provider is served by ${JSON.stringify(webhookRoutes.map((route) => route.absolutePath))}`
    )
  })
})

describe("the Payment Module's provider registry (fence)", () => {
  it(`paymentProviderOf reaches a registered provider through the ${PROVIDER_REGISTRY_BEHAVIOUR}`, () => {
    type Services = {
      PaymentModuleService: new (deps: Record<string, unknown>, declaration: unknown) => unknown
      PaymentProviderService: new (container: Record<string, unknown>) => unknown
    }
    const { PaymentModuleService, PaymentProviderService } = requireFor<Services>(
      PROVIDER_REGISTRY_BEHAVIOUR,
      require.resolve("@medusajs/payment/dist/services", { paths: [path.dirname(require.resolve("@medusajs/medusa/payment"))] })
    )
    const provider = { identifier: "fence" }
    const paymentModule = new PaymentModuleService({ paymentProviderService: new PaymentProviderService({ pp_fence_test: provider }) }, {})
    const container = { resolve: () => paymentModule } as never

    let found: unknown
    try {
      found = paymentProviderOf(container, "pp_fence_test")
    } catch (error) {
      fence(PROVIDER_REGISTRY_BEHAVIOUR, false, (error as Error).message)
    }
    fence(PROVIDER_REGISTRY_BEHAVIOUR, found === provider, `retrieveProvider("pp_fence_test") returned ${JSON.stringify(found)}`)
  })
})

describe("the admin routes' query validators (fence)", () => {
  it("createFindParams and createSelectParams parse paging, order and fields", () => {
    type Validators = {
      createFindParams: (defaults: { limit: number; offset: number }) => { parse(input: unknown): Record<string, unknown> }
      createSelectParams: () => { parse(input: unknown): Record<string, unknown> }
    }
    const { createFindParams, createSelectParams } = requireFor<Validators>(ADMIN_VALIDATORS_BEHAVIOUR, "@medusajs/medusa/api/utils/validators")
    fence(
      ADMIN_VALIDATORS_BEHAVIOUR,
      typeof createFindParams === "function" && typeof createSelectParams === "function",
      `Exports are ${typeof createFindParams} and ${typeof createSelectParams}`
    )
    const find = createFindParams({ limit: 20, offset: 0 }).parse({ limit: "5", order: "-created_at", fields: "id,status" })
    fence(
      ADMIN_VALIDATORS_BEHAVIOUR,
      find.limit === 5 && find.offset === 0 && find.order === "-created_at" && find.fields === "id,status",
      `createFindParams parsed ${JSON.stringify(find)}`
    )
    const select = createSelectParams().parse({ fields: "id" })
    fence(ADMIN_VALIDATORS_BEHAVIOUR, select.fields === "id", `createSelectParams parsed ${JSON.stringify(select)}`)
  })
})
