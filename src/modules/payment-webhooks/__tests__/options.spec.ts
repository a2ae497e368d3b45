import { MedusaError } from "@medusajs/framework/utils"
import { MAX_BODY_BYTES_CEILING, MIN_PROCESSING_LEASE_MS, resolvePaymentWebhooksOptions } from "../utils/options"

const DEFAULTS = {
  maxBodyBytes: 1_048_576,
  maxAttempts: 8,
  retryBaseDelayMs: 5_000,
  retryMaxDelayMs: 3_600_000,
  processingLeaseMs: 10_000,
  recoveryBatchSize: 50,
  recoveryConcurrency: 4,
  reconcile: true,
  reconcileAfterMs: 600_000,
  reconcileWindowMs: 604_800_000,
  reconcileBatchSize: 25,
  retentionDays: 30,
  redactPayloads: false,
}

const NUMERIC_OPTIONS = Object.keys(DEFAULTS).filter((key) => typeof DEFAULTS[key as keyof typeof DEFAULTS] === "number")

function rejection(options: Record<string, unknown>): MedusaError {
  try {
    resolvePaymentWebhooksOptions(options)
  } catch (error) {
    return error as MedusaError
  }
  throw new Error(`resolvePaymentWebhooksOptions accepted ${JSON.stringify(options)}`)
}

describe("resolvePaymentWebhooksOptions", () => {
  it("applies every default when nothing is given", () => {
    expect(resolvePaymentWebhooksOptions()).toEqual(DEFAULTS)
    expect(resolvePaymentWebhooksOptions({})).toEqual(DEFAULTS)
  })

  it("keeps the defaults of options left undefined (as medusa-config passes unset variables)", () => {
    expect(resolvePaymentWebhooksOptions({ maxAttempts: undefined, retryBaseDelayMs: 50, retryMaxDelayMs: 200 })).toEqual({
      ...DEFAULTS,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 200,
    })
  })

  it("takes every option that is given", () => {
    const options = {
      maxBodyBytes: 2048,
      maxAttempts: 3,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 20,
      processingLeaseMs: 3_000,
      recoveryBatchSize: 5,
      recoveryConcurrency: 2,
      reconcile: false,
      reconcileAfterMs: 1_000,
      reconcileWindowMs: 2_000,
      reconcileBatchSize: 3,
      retentionDays: 7,
      redactPayloads: true,
    }
    expect(resolvePaymentWebhooksOptions(options)).toEqual(options)
  })

  it("does not change the defaults for later calls", () => {
    resolvePaymentWebhooksOptions({ maxAttempts: 2 })
    expect(resolvePaymentWebhooksOptions().maxAttempts).toBe(8)
  })

  describe.each(NUMERIC_OPTIONS)("option %s", (option) => {
    it.each([
      ["zero", 0],
      ["negative", -1],
      ["fractional", 1.5],
      ["a numeric string", "10"],
      ["NaN", Number.NaN],
      ["null", null],
    ])("is rejected when %s, with INVALID_DATA naming the option", (_label, value) => {
      const error = rejection({ [option]: value })
      expect(error).toBeInstanceOf(MedusaError)
      expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
      expect(error.message).toContain(`option \`${option}\` must be a positive integer`)
    })
  })

  it("rejects a maxBodyBytes above the ceiling, naming the option and the ceiling", () => {
    expect(resolvePaymentWebhooksOptions({ maxBodyBytes: MAX_BODY_BYTES_CEILING }).maxBodyBytes).toBe(MAX_BODY_BYTES_CEILING)
    const error = rejection({ maxBodyBytes: MAX_BODY_BYTES_CEILING + 1 })
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toContain("`maxBodyBytes`")
    expect(error.message).toContain(String(MAX_BODY_BYTES_CEILING))
  })

  it("rejects a retryMaxDelayMs below retryBaseDelayMs, naming both options", () => {
    expect(resolvePaymentWebhooksOptions({ retryBaseDelayMs: 100, retryMaxDelayMs: 100 }).retryMaxDelayMs).toBe(100)
    const error = rejection({ retryBaseDelayMs: 100, retryMaxDelayMs: 99 })
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toContain("`retryMaxDelayMs`")
    expect(error.message).toContain("`retryBaseDelayMs`")
  })

  it("compares retryMaxDelayMs with the default base when only the maximum is given", () => {
    expect(rejection({ retryMaxDelayMs: 4_999 }).message).toContain("`retryMaxDelayMs`")
  })

  it.each(["reconcile", "redactPayloads"])("rejects a %s that is not a boolean, naming the option", (option) => {
    const error = rejection({ [option]: "yes" })
    expect(error.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(error.message).toContain(`option \`${option}\` must be true or false`)
  })

  it("rejects a processingLeaseMs too short for its heartbeat, naming the option", () => {
    expect(resolvePaymentWebhooksOptions({ processingLeaseMs: MIN_PROCESSING_LEASE_MS }).processingLeaseMs).toBe(MIN_PROCESSING_LEASE_MS)
    const error = rejection({ processingLeaseMs: MIN_PROCESSING_LEASE_MS - 1 })
    expect(error.message).toContain("`processingLeaseMs`")
    expect(error.message).toContain(String(MIN_PROCESSING_LEASE_MS))
  })

  it("rejects a reconcile window not longer than the reconcile delay, naming both options", () => {
    const error = rejection({ reconcileAfterMs: 60_000, reconcileWindowMs: 60_000 })
    expect(error.message).toContain("`reconcileWindowMs`")
    expect(error.message).toContain("`reconcileAfterMs`")
  })
})
