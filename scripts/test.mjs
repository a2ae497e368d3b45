#!/usr/bin/env node
/**
 * `npm test`: unit and integration tests in one jest run. jest's global setup starts an embedded
 * Postgres on a free port (or uses DATABASE_URL), so nothing else needs to be running.
 */
import { spawnSync } from "node:child_process"

const env = {
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" "),
  MEDUSA_DISABLE_TELEMETRY: "true",
  NODE_ENV: "test",
}
const result = spawnSync(
  process.execPath,
  ["node_modules/jest/bin/jest.js", "--runInBand", "--forceExit", ...process.argv.slice(2)],
  { stdio: "inherit", env }
)
process.exit(result.status ?? 1)
