import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import {
  completeCart,
  createCartReadyForPayment,
  getCartOrder,
  seedForTests,
} from "../helpers/store-flow"

jest.setTimeout(240 * 1000)

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    describe("demo seed", () => {
      it("is idempotent: a second run returns the same records and creates no duplicates", async () => {
        const container = getContainer()
        const first = await seedForTests(container)
        const second = await seedForTests(container)

        expect(second).toEqual(first)
        expect(first.variant_ids).toHaveLength(3)
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: europe } = await query.graph({
          entity: "region",
          fields: ["id", "currency_code", "payment_providers.id"],
          filters: { name: "Europe" },
        })
        expect(europe).toHaveLength(1)
        expect(europe[0].currency_code).toBe("eur")
        expect(europe[0].payment_providers.map((provider: { id: string }) => provider.id)).toEqual(
          expect.arrayContaining(["pp_system_default", "pp_stripe_stripe"])
        )
      })

      it("creates an admin who can log in with email and password", async () => {
        const seed = await seedForTests(getContainer())

        const response = await api.post("/auth/user/emailpass", seed.admin)

        expect(response.status).toBe(200)
        expect(response.data.token).toEqual(expect.any(String))
      })

      it("lets a storefront check out with the system payment provider", async () => {
        const container = getContainer()
        const seed = await seedForTests(container)
        const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
          currency: "eur",
          providerId: "pp_system_default",
          quantity: 2,
        })
        expect(paymentSession.amount).toBe(2 * 25 + 10)

        const { status, data } = await completeCart(api, seed, cart.id)

        expect(status).toBe(200)
        expect(data.type).toBe("order")
        const order = await getCartOrder(container, cart.id)
        expect(order).toEqual(
          expect.objectContaining({
            id: data.type === "order" ? data.order.id : undefined,
            currency_code: "eur",
          })
        )
        expect(order?.payment_collections[0].payments).toEqual([
          expect.objectContaining({ provider_id: "pp_system_default" }),
        ])
      })
    })
  },
})
