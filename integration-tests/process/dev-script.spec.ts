import { execFile, spawn } from "node:child_process"
import path from "node:path"
import { promisify } from "node:util"
import { Client } from "pg"
import { databaseUrl, ROOT } from "../helpers/child-app"
import { waitFor } from "../helpers/stripe-harness"

/**
 * The plumbing of `npm run dev` (scripts/): what a developer meets before any webhook. The leash makes
 * the dev app's children die with it; DATABASE_URL may name a database that does not exist yet.
 */
jest.setTimeout(60 * 1000)

const run = promisify(execFile)

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("npm run dev's plumbing", () => {
  it("a child on the leash dies when the process that started it is killed with SIGKILL", async () => {
    // A stand-in for `npm run dev`: starts a long-running child on the leash, in its own process group, and reports its pid.
    const parentScript = `
      const { spawn } = require("node:child_process")
      const child = spawn(process.execPath, [${JSON.stringify(path.join(ROOT, "scripts/lib/leash.mjs"))}, process.execPath, "-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" })
      console.log(child.pid)
      setInterval(() => {}, 1000)
    `
    const parent = spawn(process.execPath, ["-e", parentScript], { stdio: ["ignore", "pipe", "inherit"] })
    const leashPid = await new Promise<number>((resolve) => parent.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim()))))
    await waitFor(async () => (await run("pgrep", ["-g", String(leashPid)])).stdout.trim().split("\n").length >= 2, {
      what: "the leashed command to run in the leash's group",
    })
    const { stdout } = await run("pgrep", ["-g", String(leashPid)])
    const group = stdout.trim().split("\n").map(Number)

    parent.kill("SIGKILL")

    await waitFor(async () => group.every((pid) => !alive(pid)), { timeoutMs: 15_000, what: "the leash and its command to exit" })
  })

  it("DATABASE_URL naming a database that does not exist: the database is created", async () => {
    const name = `mpw_dev_missing_${Date.now()}`
    const script = `import(${JSON.stringify(path.join(ROOT, "scripts/lib/app.mjs"))}).then((app) => app.ensureDatabase())`
    await run(process.execPath, ["-e", script], { env: { ...process.env, DATABASE_URL: databaseUrl(name) } })

    const client = new Client({ connectionString: databaseUrl("postgres") })
    await client.connect()
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
      expect(rowCount).toBe(1)
      await client.query(`DROP DATABASE "${name}"`)
    } finally {
      await client.end()
    }
  })
})
