import { medusaIntegrationTestRunner } from "@medusajs/test-utils"

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
    })
  },
})
