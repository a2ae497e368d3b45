import { BigNumber } from "@medusajs/framework/utils"
import { fromStripeAmount, toStripeAmount } from "../amounts"

describe("toStripeAmount", () => {
  it("multiplies two-decimal currencies by 100, whatever the case of the code", () => {
    expect(toStripeAmount(10.5, "EUR")).toBe(1050)
    expect(toStripeAmount(19.99, "usd")).toBe(1999)
  })

  it("does not suffer binary floating point (0.29 * 100 is 28.999... in doubles)", () => {
    expect(toStripeAmount(0.29, "eur")).toBe(29)
    expect(toStripeAmount(1.005, "eur")).toBe(101)
  })

  it("rounds half up to the currency's smallest unit", () => {
    expect(toStripeAmount(10.004, "eur")).toBe(1000)
    expect(toStripeAmount(10.005, "eur")).toBe(1001)
  })

  it("leaves zero-decimal currencies in major units, rounded to whole units", () => {
    expect(toStripeAmount(1000, "JPY")).toBe(1000)
    expect(toStripeAmount(999.5, "jpy")).toBe(1000)
    expect(toStripeAmount(50000, "krw")).toBe(50000)
    expect(toStripeAmount(1500, "xof")).toBe(1500)
  })

  it("writes three-decimal currencies in thousandths rounded to a multiple of 10", () => {
    expect(toStripeAmount(5.124, "KWD")).toBe(5120)
    expect(toStripeAmount(5.125, "kwd")).toBe(5130)
    expect(toStripeAmount(1, "bhd")).toBe(1000)
    expect(toStripeAmount(12.345, "jod")).toBe(12350)
    expect(toStripeAmount(0.001, "omr")).toBe(0)
    expect(toStripeAmount(7.77, "tnd")).toBe(7770)
  })

  it("accepts Medusa's BigNumber, its raw value (as refunds pass it) and numeric strings", () => {
    expect(toStripeAmount(new BigNumber(42.42), "eur")).toBe(4242)
    expect(toStripeAmount({ value: "42.42", precision: 20 }, "eur")).toBe(4242)
    expect(toStripeAmount("42.42", "eur")).toBe(4242)
  })

  it("refuses negative and non-numeric amounts with INVALID_DATA", () => {
    expect(() => toStripeAmount(-1, "eur")).toThrow(expect.objectContaining({ type: "invalid_data" }))
    expect(() => toStripeAmount("abc", "eur")).toThrow(/non-negative number/)
  })
})

describe("fromStripeAmount", () => {
  it("converts back to major units per currency", () => {
    expect(fromStripeAmount(1050, "eur")).toBe(10.5)
    expect(fromStripeAmount(1999, "USD")).toBe(19.99)
    expect(fromStripeAmount(1000, "jpy")).toBe(1000)
    expect(fromStripeAmount(5120, "kwd")).toBe(5.12)
  })

  it("round-trips amounts Stripe accepts", () => {
    for (const [amount, currency] of [[0.29, "eur"], [123.45, "usd"], [777, "krw"], [3.25, "bhd"]] as const) {
      expect(fromStripeAmount(toStripeAmount(amount, currency), currency)).toBe(amount)
    }
  })
})
