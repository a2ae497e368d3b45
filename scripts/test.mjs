#!/usr/bin/env node
/**
 * `npm test`: unit and integration tests in one jest run, sized to stay under 10 minutes on a 2-core
 * machine: three jest workers (the specs spend much of their time waiting on HTTP, Postgres and timers,
 * so a third worker on two cores shortens the run), every spec except the heavy ones.
 * `npm run test:soak` (`--soak`): the heavy ones, one at a time - every `*.soak.spec.ts` (crash
 * recovery, fencing, the scale-out test with 500 payments, packaging and the shop test kit in a shop's
 * app, the cluster command) and the arrival-order property test (10 runs per property).
 * `npm run test:faults` (`--faults`): the cluster fault tests (`*.faults.spec.ts`: 2 servers and 2
 * workers broken in the middle of a run of 200 payments per fault); not yet part of soak and CI (see the
 * README's "What a fault does to the cluster").
 *
 * jest's global setup starts an embedded Postgres on a free port (or uses DATABASE_URL), so nothing
 * else needs to be running. Extra arguments go to jest (a path, `-t <name>`, `--runInBand`); a soak or
 * fault spec named on the command line runs in any mode.
 */
import { spawnSync } from "node:child_process"

/** Specs that only `npm run test:soak` runs (by default, at its size; named on the command line, small). */
const SIZED_SPECS = ["integration-tests/http/arrival-order.property.spec.ts"]
/** Specs that only `npm run test:soak` runs. */
const SOAK_ONLY = "\\.soak\\.spec\\.ts$"
/** Specs that only `npm run test:faults` runs. */
const FAULTS_ONLY = "\\.faults\\.spec\\.ts$"

const args = process.argv.slice(2)
const soak = args.includes("--soak")
const faults = args.includes("--faults")
const sizes = soak
  ? { SCALE_OUT_PAYMENTS: "500", ARRIVAL_ORDER_RUNS: "10" }
  : { SCALE_OUT_PAYMENTS: "30", ARRIVAL_ORDER_RUNS: "1" }

const env = {
  ...sizes,
  ...process.env,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" "),
  MEDUSA_DISABLE_TELEMETRY: "true",
  NODE_ENV: "test",
}
const passed = args.filter((arg) => arg !== "--soak" && arg !== "--faults")
const namesHeavySpec = passed.some((arg) => /\.(soak|faults)\.spec\.ts$/.test(arg))
// Heavy specs start several processes each: one at a time.
const inBand = soak || faults || namesHeavySpec || passed.includes("--runInBand") || passed.includes("-i")
let jestArgs
if (namesHeavySpec) {
  jestArgs = passed
} else if (soak) {
  jestArgs = [...SIZED_SPECS, SOAK_ONLY, ...passed]
} else if (faults) {
  jestArgs = [FAULTS_ONLY, ...passed]
} else {
  // Last: this option takes every value after it.
  const namedSized = SIZED_SPECS.filter((spec) => passed.some((arg) => arg.endsWith(".ts") && spec.endsWith(arg.replace(/^\.\//, ""))))
  const ignored = [SOAK_ONLY, FAULTS_ONLY, ...SIZED_SPECS.filter((spec) => !namedSized.includes(spec))]
  jestArgs = [...passed, "--testPathIgnorePatterns", ...ignored]
}
const result = spawnSync(
  process.execPath,
  ["node_modules/jest/bin/jest.js", inBand ? "--runInBand" : "--maxWorkers=3", "--forceExit", ...jestArgs],
  { stdio: "inherit", env }
)
process.exit(result.status ?? 1)
