/**
 * Starts a throw-away embedded Postgres on a free port for the whole jest run and points Medusa's
 * test runners at it (DB_HOST must contain "localhost", otherwise test-utils forces SSL). When
 * DATABASE_URL is set, that server is used instead and nothing is started.
 */
const os = require("node:os")
const path = require("node:path")
const fs = require("node:fs")

/** Whether this jest run includes integration specs (a unit-only run needs no migrated database). */
function runsIntegrationSpecs(globalConfig) {
  const projects = globalConfig?.selectProjects
  if (projects && !projects.includes("integration")) {
    return false
  }
  const pattern = globalConfig?.testPathPattern
  return !pattern || /integration-tests/.test(pattern)
}

/**
 * Every integration spec file gets a new database from Medusa's test runner, which then runs all of
 * Medusa's migrations into it - the slowest part of a spec. `CREATE DATABASE` copies `template1`, so
 * migrating `template1` of this throw-away server once makes each spec's migrations a quick check. The
 * spec still runs Medusa's migrator, so anything newer than the template is applied as usual; the
 * data scripts are skipped, as the test runner skips them.
 */
async function migrateTemplateDatabase(pg) {
  const { runMedusa } = await import("../scripts/lib/app.mjs")
  await runMedusa(["db:migrate", "--skip-scripts"], {
    ...process.env,
    DATABASE_URL: pg.urlFor("template1"),
    LOG_LEVEL: "error",
    MEDUSA_DISABLE_TELEMETRY: "true",
  })
}

module.exports = async function globalSetup(globalConfig) {
  process.env.MEDUSA_DISABLE_TELEMETRY = "true"
  process.env.NODE_ENV = process.env.NODE_ENV || "test"
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL)
    process.env.DB_HOST = url.hostname
    process.env.DB_PORT = url.port || "5432"
    process.env.DB_USERNAME = decodeURIComponent(url.username)
    process.env.DB_PASSWORD = decodeURIComponent(url.password)
    return
  }
  const { startEmbeddedPostgres, freePort } = await import("../scripts/lib/postgres.mjs")
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mpw-test-pg-"))
  const port = await freePort()
  const pg = await startEmbeddedPostgres({ dataDir, port, persistent: false })
  globalThis.__MPW_POSTGRES__ = { pg, dataDir }
  process.env.DB_HOST = pg.host
  process.env.DB_PORT = String(pg.port)
  process.env.DB_USERNAME = pg.user
  process.env.DB_PASSWORD = pg.password
  if (runsIntegrationSpecs(globalConfig)) {
    await migrateTemplateDatabase(pg)
  }
}
