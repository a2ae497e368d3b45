import type { BigNumberInput } from "@medusajs/framework/types"
import { MathBN, MedusaError } from "@medusajs/framework/utils"

/**
 * Currencies Adyen counts without minor units (https://docs.adyen.com/development-resources/currency-codes).
 * Adyen differs from ISO 4217 for some: CVE is 0 here, CLP and ISK are 2.
 */
const ZERO_DECIMAL_CURRENCIES = new Set([
  "cve", "djf", "gnf", "idr", "jpy", "kmf", "krw", "pyg",
  "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
])

/** Currencies Adyen counts in thousandths. */
const THREE_DECIMAL_CURRENCIES = new Set(["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"])

/** How many decimals Adyen uses for `currency` (0, 2 or 3). */
export function adyenCurrencyExponent(currency: string): number {
  const code = currency.toLowerCase()
  if (ZERO_DECIMAL_CURRENCIES.has(code)) {
    return 0
  }
  return THREE_DECIMAL_CURRENCIES.has(code) ? 3 : 2
}

/**
 * Converts a Medusa amount (major units, `10.5` EUR) to Adyen's minor units (`1050`), rounding half up
 * to what the currency allows (whole yen for JPY, fils for KWD).
 */
export function toAdyenAmount(amount: BigNumberInput, currency: string): number {
  const exponent = adyenCurrencyExponent(currency)
  const rounded = MathBN.convert(amount, exponent)
  if (!rounded.isFinite() || rounded.isNegative()) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `adyen provider: amount must be a non-negative number, got ${rounded.toString()}`
    )
  }
  return rounded.times(10 ** exponent).toNumber()
}

/** Converts Adyen minor units (`1050`) back to major units (`10.5`) for Medusa. */
export function fromAdyenAmount(value: number, currency: string): number {
  return value / 10 ** adyenCurrencyExponent(currency)
}
