#!/usr/bin/env node
/**
 * `npm run seed`: makes sure the database exists and is migrated, seeds the demo data idempotently
 * and prints the seeded ids as one JSON object on stdout (progress goes to stderr).
 */
import { appEnv, ensureDatabase, migrateAndSeed } from "./lib/app.mjs"

const database = await ensureDatabase()
let exitCode = 0
try {
  const seeded = await migrateAndSeed(appEnv(database.databaseUrl))
  process.stdout.write(`${JSON.stringify(seeded)}\n`)
} catch (error) {
  process.stderr.write(`${error.message}\n`)
  exitCode = 1
} finally {
  await database.stop()
}
process.exit(exitCode)
