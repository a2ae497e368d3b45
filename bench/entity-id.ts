/**
 * Micro-benchmark of row ids: Medusa's `generateEntityId` (the `ulid` package, one random byte from
 * the operating system per character) against the inbox's pooled `entityId`. Run by hand:
 * `npx tsx bench/entity-id.ts`.
 */
import { generateEntityId } from "@medusajs/framework/utils"
import { entityId } from "../src/modules/payment-webhooks/utils/entity-id"

const IDS = 20_000

for (const [name, make] of [
  ["medusa generateEntityId", () => generateEntityId(undefined, "pwhevt")],
  ["entityId (pooled)", () => entityId("pwhevt")],
] as const) {
  make()
  const started = performance.now()
  for (let i = 0; i < IDS; i += 1) {
    make()
  }
  process.stdout.write(`${name}: ${(((performance.now() - started) * 1000) / IDS).toFixed(2)} us per id\n`)
}
