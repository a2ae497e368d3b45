import path from "node:path"
import { CORE_BODY_PARSER_BEHAVIOUR } from "../core-body-parser"

type CoreBodyParserModule = typeof import("../core-body-parser")

// Each test loads Medusa's HTTP layer afresh, which takes longer than jest's default 5 s on a loaded
// 2-core machine; a test cut off mid-load would also leave jest's module isolation switched on for the next.
jest.setTimeout(60_000)

/**
 * Fences the one place where the plugin changes Medusa's own state (`core-body-parser.ts`): when a
 * Medusa release changes the behaviour relied on, these fail and name it. Each test loads Medusa
 * afresh (`jest.isolateModulesAsync`), as an app boots: the plugin's loader first, then Medusa's API
 * loader reading the body-parser declarations - core's api directory first, then the plugin's
 * (`@medusajs/medusa/dist/loaders/api.js`), sorted as `ApiLoader.load` sorts them.
 */
async function bootOrder<T>(run: (load: { plugin: CoreBodyParserModule; webhookParserConfig: () => Promise<unknown> }) => Promise<T>) {
  let result: T | undefined
  await jest.isolateModulesAsync(async () => {
    const httpDir = path.dirname(require.resolve("@medusajs/framework/http"))
    const { MiddlewareFileLoader } = require(path.join(httpDir, "middleware-file-loader"))
    const { RoutesSorter } = require(path.join(httpDir, "routes-sorter"))
    const { RoutesFinder } = require(path.join(httpDir, "routes-finder"))
    const coreApiDir = path.join(path.dirname(require.resolve("@medusajs/medusa/api/hooks/middlewares")), "..")
    const webhookParserConfig = async () => {
      const loader = new MiddlewareFileLoader()
      await loader.scanDir(coreApiDir)
      await loader.scanDir(path.join(__dirname, "../../api"))
      const sorted = new RoutesSorter(loader.getBodyParserConfigRoutes()).sort(["static", "params", "regex", "wildcard", "global"])
      return new RoutesFinder(sorted).find("/hooks/payment/stripe", "POST")?.config
    }
    result = await run({ plugin: require("../core-body-parser"), webhookParserConfig })
  })
  return result as T
}

function fence(holds: boolean, detail: string): void {
  if (!holds) {
    throw new Error(`A Medusa release changed what the plugin relies on: ${CORE_BODY_PARSER_BEHAVIOUR}. ${detail}`)
  }
}

describe("Medusa's body parser for /hooks/payment/:provider (fence)", () => {
  it("core declares it in hooksRoutesMiddlewares, and Medusa's API loader picks core's config over the plugin's", async () => {
    await bootOrder(async ({ plugin, webhookParserConfig }) => {
      const declaration = plugin.findCoreWebhookDeclaration()
      fence(declaration !== null && typeof declaration.bodyParser === "object", `Declaration found: ${JSON.stringify(declaration)}`)
      const config = await webhookParserConfig()
      fence(config === declaration!.bodyParser, `The API loader picks ${JSON.stringify(config)} for the webhook path, not core's config`)
    })
  })

  it("switched off before the API loader reads it, the webhook path has no body parser", async () => {
    await bootOrder(async ({ plugin, webhookParserConfig }) => {
      fence(plugin.switchOffCoreWebhookBodyParser(), "The declaration was not found")
      const config = await webhookParserConfig()
      fence(config === false, `The API loader picks ${JSON.stringify(config)} for the webhook path after the switch`)
    })
  })
})

describe("coreBodyParserLoader", () => {
  afterEach(() => jest.dontMock("@medusajs/medusa/api/hooks/middlewares"))

  it.each([
    ["declares the path elsewhere", () => ({ hooksRoutesMiddlewares: [] })],
    ["has no such module", () => { throw new Error("Cannot find module") }],
  ])("when Medusa %s, logs one warning naming the behaviour relied on, and boots", async (_what, factory) => {
    jest.doMock("@medusajs/medusa/api/hooks/middlewares", factory)
    const warn = jest.fn()
    await bootOrder(async ({ plugin }) => {
      await plugin.coreBodyParserLoader({ container: {} as never, logger: { warn } as never })
    })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toContain(CORE_BODY_PARSER_BEHAVIOUR)
  })

  it("switches the declaration off without a word when it is there", async () => {
    const warn = jest.fn()
    const declaration = await bootOrder(async ({ plugin }) => {
      await plugin.coreBodyParserLoader({ container: {} as never, logger: { warn } as never })
      return plugin.findCoreWebhookDeclaration()
    })
    expect(declaration?.bodyParser).toBe(false)
    expect(warn).not.toHaveBeenCalled()
  })
})
