import type { BigNumberInput } from "@medusajs/framework/types"
import { MathBN, MedusaError } from "@medusajs/framework/utils"

/**
 * Currencies Stripe expects in major units (https://docs.stripe.com/currencies#zero-decimal).
 * ISK, HUF and TWD are absent on purpose: the API takes them with two decimals.
 */
const ZERO_DECIMAL_CURRENCIES = new Set([
  "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
  "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
])

/**
 * Currencies Stripe expects in thousandths, with the last digit 0
 * (https://docs.stripe.com/currencies#three-decimal).
 */
const THREE_DECIMAL_CURRENCIES = new Set(["bhd", "jod", "kwd", "omr", "tnd"])

/** How Stripe writes amounts of one currency. */
type StripeCurrencyUnit = {
  /** Smallest units per major unit. */
  factor: number
  /** Decimals Stripe actually accepts (three-decimal currencies must end in 0, so only two count). */
  precision: number
}

function currencyUnit(currency: string): StripeCurrencyUnit {
  const code = currency.toLowerCase()
  if (ZERO_DECIMAL_CURRENCIES.has(code)) {
    return { factor: 1, precision: 0 }
  }
  if (THREE_DECIMAL_CURRENCIES.has(code)) {
    return { factor: 1000, precision: 2 }
  }
  return { factor: 100, precision: 2 }
}

/**
 * Converts a Medusa amount (major units, e.g. `10.5` EUR) to the integer Stripe expects (`1050`),
 * rounding half up to what the currency allows: whole yen for JPY, a multiple of 10 fils for KWD.
 */
export function toStripeAmount(amount: BigNumberInput, currency: string): number {
  const { factor, precision } = currencyUnit(currency)
  const rounded = MathBN.convert(amount, precision)
  if (!rounded.isFinite() || rounded.isNegative()) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `stripe provider: amount must be a non-negative number, got ${rounded.toString()}`
    )
  }
  return rounded.times(factor).toNumber()
}

/** Converts a Stripe integer amount (`1050`) back to major units (`10.5`) for Medusa. */
export function fromStripeAmount(amount: number, currency: string): number {
  return amount / currencyUnit(currency).factor
}
