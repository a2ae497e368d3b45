import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { CORE_BODY_PARSER_BEHAVIOUR, findCoreWebhookDeclaration } from "../../src/endpoint/core-body-parser"

jest.setTimeout(240 * 1000)

medusaIntegrationTestRunner({
  testSuite: ({ api }) => {
    describe("POST /hooks/payment/:provider replaces Medusa's core route", () => {
      it("answers 404 unknown_provider for a provider that is not registered (core answers 200)", async () => {
        const response = await api.post(
          "/hooks/payment/nope_nope",
          { id: "evt_1", type: "payment_intent.succeeded" },
          { validateStatus: () => true }
        )

        expect(response.status).toBe(404)
        expect(response.data).toEqual({
          type: "unknown_provider",
          message: expect.stringContaining("pp_nope_nope"),
        })
      })

      it("and Medusa's core body parser for the path: after boot, core declares none (the route reads its own body)", () => {
        const declaration = findCoreWebhookDeclaration()
        if (declaration?.bodyParser !== false) {
          throw new Error(
            `A Medusa release changed what the plugin relies on: ${CORE_BODY_PARSER_BEHAVIOUR}. ` +
              `After boot, the core declaration is ${JSON.stringify(declaration)}`
          )
        }
      })
    })
  },
})
