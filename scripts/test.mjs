#!/usr/bin/env node
/**
 * `npm test`: unit and integration tests in one jest run, sized to stay under 10 minutes on a 2-core
 * machine: two jest workers, every spec except the heavy ones. `npm run test:soak` (`--soak`): the heavy
 * ones - every `*.soak.spec.ts` (long fault tests) and, at full size, the scale-out test (500 payments)
 * and the arrival-order property test (10 runs per property), which `npm test` runs small.
 *
 * jest's global setup starts an embedded Postgres on a free port (or uses DATABASE_URL), so nothing
 * else needs to be running. Extra arguments go to jest (a path, `-t <name>`, `--runInBand`).
 */
import { spawnSync } from "node:child_process"

/** Specs that `npm test` runs small and `npm run test:soak` runs at full size. */
const SIZED_SPECS = ["integration-tests/process/scale-out.spec.ts", "integration-tests/http/arrival-order.property.spec.ts"]
/** Specs that only `npm run test:soak` runs. */
const SOAK_ONLY = "\\.soak\\.spec\\.ts$"

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
const passed = args.filter((arg) => arg !== "--soak")
const inBand = passed.includes("--runInBand") || passed.includes("-i")
// A soak spec named on the command line runs (in either mode); otherwise each mode picks its own set.
const namesSoakSpec = passed.some((arg) => /\.soak\.spec\.ts$/.test(arg))
const jestArgs = soak
  ? [...(namesSoakSpec ? [] : [...SIZED_SPECS, SOAK_ONLY]), ...passed]
  : namesSoakSpec
    ? passed
    : [...passed, "--testPathIgnorePatterns", SOAK_ONLY] // last: this option takes every value after it
const result = spawnSync(
  process.execPath,
  ["node_modules/jest/bin/jest.js", ...(inBand ? [] : ["--maxWorkers=2"]), "--forceExit", ...jestArgs],
  { stdio: "inherit", env }
)
process.exit(result.status ?? 1)
