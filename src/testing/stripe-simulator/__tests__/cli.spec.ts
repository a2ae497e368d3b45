import { optionsFromEnv } from "../cli"

describe("the simulator CLI's settings", () => {
  it("defaults to the dev setup", () => {
    expect(optionsFromEnv({})).toEqual({
      port: 12111,
      apiKey: "sk_test_local",
      endpoints: [
        { url: "http://localhost:9000/hooks/payment/stripe_stripe", secret: "whsec_local_development_secret" },
      ],
    })
  })

  it("reads port, key, secret and a comma-separated list of webhook URLs", () => {
    const options = optionsFromEnv({
      STRIPE_SIM_PORT: "0",
      STRIPE_API_KEY: "sk_test_other",
      STRIPE_WEBHOOK_SECRET: "whsec_other",
      STRIPE_SIM_WEBHOOK_URLS: "http://a.test/hook, http://b.test/hook",
    })
    expect(options).toEqual({
      port: 0,
      apiKey: "sk_test_other",
      endpoints: [
        { url: "http://a.test/hook", secret: "whsec_other" },
        { url: "http://b.test/hook", secret: "whsec_other" },
      ],
    })
    expect(optionsFromEnv({ STRIPE_SIM_WEBHOOK_URLS: "" }).endpoints).toEqual([])
  })

  it("spreads deliveries round robin over the URLs with STRIPE_SIM_SPREAD=round-robin", () => {
    expect(optionsFromEnv({ STRIPE_SIM_SPREAD: "round-robin" }).delivery).toEqual({ spread: "round-robin" })
    expect(() => optionsFromEnv({ STRIPE_SIM_SPREAD: "random" })).toThrow(/STRIPE_SIM_SPREAD/)
  })

  it("names the option when the port is not a port", () => {
    expect(() => optionsFromEnv({ STRIPE_SIM_PORT: "http" })).toThrow(/STRIPE_SIM_PORT/)
  })
})
