#!/usr/bin/env node
/**
 * `npm test`: unit and integration tests in one jest run, sized to stay under 10 minutes on a 2-core
 * machine. `npm run test:soak` (`--soak`): the heavy runs at full size - the scale-out test with 500
 * payments and the arrival-order property test with 10 runs per property.
 *
 * jest's global setup starts an embedded Postgres on a free port (or uses DATABASE_URL), so nothing
 * else needs to be running. Extra arguments go to jest (a path, `-t <name>`).
 */
import { spawnSync } from "node:child_process"

const SOAK_SPECS = ["integration-tests/process/scale-out.spec.ts", "integration-tests/http/arrival-order.property.spec.ts"]

const args = process.argv.slice(2)
const soak = args.includes("--soak")
const sizes = soak
  ? { SCALE_OUT_PAYMENTS: "500", ARRIVAL_ORDER_RUNS: "10" }
  : { SCALE_OUT_PAYMENTS: "30", ARRIVAL_ORDER_RUNS: "2" }

const env = {
  ...sizes,
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" "),
  MEDUSA_DISABLE_TELEMETRY: "true",
  NODE_ENV: "test",
}
const jestArgs = soak ? [...SOAK_SPECS, ...args.filter((arg) => arg !== "--soak")] : args
const result = spawnSync(
  process.execPath,
  ["node_modules/jest/bin/jest.js", "--runInBand", "--forceExit", ...jestArgs],
  { stdio: "inherit", env }
)
process.exit(result.status ?? 1)
