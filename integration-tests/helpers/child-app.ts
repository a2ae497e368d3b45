import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { Client } from "pg"

/** The repository root (this checkout is also the dev app). */
export const ROOT = path.resolve(__dirname, "../..")

/** The medusa CLI of the app in `cwd`: its own when it has one installed, otherwise this checkout's. */
export function medusaBin(cwd: string): string {
  const own = path.join(cwd, "node_modules", ".bin", "medusa")
  return fs.existsSync(own) ? own : path.join(ROOT, "node_modules", ".bin", "medusa")
}

/** A Medusa process started by a test, outside jest's module system. */
export interface ChildApp {
  baseUrl: string
  process: ChildProcess
  output(): string
  /** Graceful stop (SIGTERM to the process group), resolved when it exited. */
  stop(): Promise<void>
  /** `kill -9` of the whole process group, as a crash would. */
  crash(): Promise<void>
  /** SIGSTOP of the whole process group: frozen, as in a VM pause or a stalled host. */
  pause(): void
  /** SIGCONT: the frozen process carries on where it was. */
  resume(): void
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** URL of a database on the test Postgres that jest's global setup started. */
export function databaseUrl(database: string): string {
  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  return `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`
}

/** Drops and creates `database`, returning its URL. */
export async function freshDatabase(database: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl("postgres") })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${database}"`)
  } finally {
    await client.end()
  }
  return databaseUrl(database)
}

/** Environment for a child Medusa: no telemetry, no jest flags, quiet unless LOG_LEVEL is set. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_OPTIONS: "",
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEDUSA_ADMIN_DISABLED: "true",
    LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? "info",
    ...extra,
  }
}

/** Environment that points a child app's Stripe providers at the simulator on `port`, signing with `secret`. */
export function simulatorEnv(port: number, secret: string): Record<string, string> {
  return {
    STRIPE_API_KEY: "sk_test_local",
    STRIPE_API_HOST: "localhost",
    STRIPE_API_PORT: String(port),
    STRIPE_WEBHOOK_SECRET: secret,
  }
}

/**
 * Runs a medusa CLI command to completion (rejects with its output on failure). Asynchronous on
 * purpose: this process keeps serving its own children (Postgres, the simulator) meanwhile.
 */
export function runMedusa(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ""
    const child = spawn(medusaBin(cwd), args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    child.stdout?.on("data", (chunk) => (output += chunk))
    child.stderr?.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`medusa ${args.join(" ")} exited with ${code}:\n${output.slice(-4000)}`))
    )
  })
}

/**
 * Starts `medusa start` in `cwd` on a free port and waits (at most `bootTimeoutMs`, 3 min by default)
 * until /health answers. `nodeArgs` are flags for node itself that NODE_OPTIONS may not carry
 * (e.g. `--cpu-prof`).
 */
export async function startMedusa(
  cwd: string,
  env: NodeJS.ProcessEnv,
  port?: number,
  { bootTimeoutMs = 3 * 60 * 1000, nodeArgs = [] }: { bootTimeoutMs?: number; nodeArgs?: string[] } = {}
): Promise<ChildApp> {
  const listenOn = port ?? (await freePort())
  let output = ""
  const [command, args] = nodeArgs.length ? [process.execPath, [...nodeArgs, medusaBin(cwd), "start"]] : [medusaBin(cwd), ["start"]]
  const child = spawn(command, args, { cwd, env: { ...env, PORT: String(listenOn) }, detached: true })
  child.stdout?.on("data", (chunk) => (output += chunk))
  child.stderr?.on("data", (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, name)
      } catch {
        // already gone
      }
      await exited
    }
  }
  const app: ChildApp = {
    baseUrl: `http://localhost:${listenOn}`,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGCONT")
      }
      await signal("SIGTERM")
    },
    crash: () => signal("SIGKILL"),
    pause: () => child.pid && process.kill(-child.pid, "SIGSTOP"),
    resume: () => child.pid && process.kill(-child.pid, "SIGCONT"),
  }
  const deadline = Date.now() + bootTimeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`medusa start exited with ${child.exitCode}:\n${output.slice(-4000)}`)
    }
    try {
      if ((await fetch(`${app.baseUrl}/health`)).ok) {
        return app
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  await app.crash()
  throw new Error(`medusa start did not become healthy:\n${output.slice(-4000)}`)
}
