import { mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { seedDemoData } from "./lib/seed-data"

/**
 * `npx medusa exec ./scripts/seed-app.ts`: seeds the demo data (idempotently) and writes its ids as
 * JSON to `SEED_OUTPUT` (default `.data/seed.json`), which `npm run seed` prints.
 */
export default async function seedApp({ container }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const outputFile = path.resolve(process.env.SEED_OUTPUT || ".data/seed.json")
  const started = Date.now()

  const seed = await seedDemoData(container)
  await mkdir(path.dirname(outputFile), { recursive: true })
  await writeFile(outputFile, `${JSON.stringify(seed, null, 2)}\n`)

  logger.info(`Seeded demo data in ${Date.now() - started} ms; ids written to ${outputFile}`)
}
