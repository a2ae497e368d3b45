import { StripeApiError } from "../errors"
import { decodeForm } from "../form"

describe("decodeForm (Stripe's bracket notation)", () => {
  it("nests objects and builds arrays from indexed and empty brackets", () => {
    const decoded = decodeForm(
      [
        "amount=5000",
        "metadata[session_id]=payses_1",
        "metadata[cart%20id]=cart+1",
        "payment_method_types[1]=ideal",
        "payment_method_types[0]=card",
        "expand[]=latest_charge",
        "expand[]=payment_method",
        "automatic_payment_methods[enabled]=true",
        "items[0][price]=p_1",
        "items[0][quantity]=2",
        "items[1][price]=p_2",
        "shipping[address][line1]=1%20Main%20St",
      ].join("&")
    )

    expect(decoded).toEqual({
      amount: "5000",
      metadata: { session_id: "payses_1", "cart id": "cart 1" },
      payment_method_types: ["card", "ideal"],
      expand: ["latest_charge", "payment_method"],
      automatic_payment_methods: { enabled: "true" },
      items: [{ price: "p_1", quantity: "2" }, { price: "p_2" }],
      shipping: { address: { line1: "1 Main St" } },
    })
  })

  it("accepts percent-encoded brackets, keeps empty values, and orders indices numerically", () => {
    const decoded = decodeForm("metadata%5Bnote%5D=&list[10]=k&list[2]=c&list[0]=a&description=")
    expect(decoded).toEqual({ metadata: { note: "" }, list: ["a", "c", "k"], description: "" })
  })

  it("keeps numeric-looking keys that are not array indices as object keys", () => {
    expect(decodeForm("metadata[01]=x&metadata[2]=y")).toEqual({ metadata: { "01": "x", "2": "y" } })
  })

  it("does not let a key reach Object.prototype", () => {
    const decoded = decodeForm("__proto__[polluted]=yes&metadata[__proto__]=x")
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(decoded)).toEqual(["__proto__", "metadata"])
  })

  it("rejects a key used both as a value and as a container", () => {
    expect(() => decodeForm("metadata=x&metadata[a]=y")).toThrow(StripeApiError)
    expect(() => decodeForm("metadata[a]=y&metadata=x")).toThrow(/also used as an object or array/)
  })

  it("decodes an empty body to no parameters", () => {
    expect(decodeForm("")).toEqual({})
  })
})
