/** Stops the embedded Postgres that global-setup started and removes its data directory. */
const fs = require("node:fs")

module.exports = async function globalTeardown() {
  const started = globalThis.__MPW_POSTGRES__
  if (!started) {
    return
  }
  await started.pg.stop()
  fs.rmSync(started.dataDir, { recursive: true, force: true })
}
