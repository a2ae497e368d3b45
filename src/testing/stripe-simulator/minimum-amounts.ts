import { StripeApiError } from "./errors"

/**
 * Stripe's minimum charge amounts in the currency's smallest unit (zero-decimal currencies in whole units), for
 * the currencies Stripe lists; other currencies have no minimum here.
 */
export const MINIMUM_AMOUNTS: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30,
  hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200,
  sek: 300, sgd: 50, thb: 1000,
}

const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"])

/** Stripe's 400 `amount_too_small` when `amount` is below the currency's minimum, else undefined. */
export function minimumAmountError(amount: number, currency: string): StripeApiError | undefined {
  const minimum = MINIMUM_AMOUNTS[currency]
  if (minimum === undefined || amount >= minimum) {
    return undefined
  }
  const shown = ZERO_DECIMAL.has(currency) ? String(minimum) : (minimum / 100).toFixed(2)
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "amount_too_small",
    param: "amount",
    message: `Amount must be at least ${shown} ${currency}`,
  })
}
