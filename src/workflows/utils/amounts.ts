import { MathBN } from "@medusajs/framework/utils"
import type { BigNumberInput } from "@medusajs/framework/types"

/** The total of `items`' amounts (captures, refunds) as a plain number, summed exactly with MathBN. */
export function sumAmounts(items: { amount: BigNumberInput | unknown }[] | null | undefined): number {
  const total = (items ?? []).reduce(
    (sum, item) => MathBN.add(sum, MathBN.convert(item.amount as BigNumberInput)),
    MathBN.convert(0)
  )
  return Number(total)
}
