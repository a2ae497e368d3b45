import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import { freePort } from "./child-app"

/** A throw-away redis-server for one test file. */
export interface RedisServer {
  url: string
  /** Drops every key: queued events and jobs are lost, as when Redis restarts without persistence. */
  flushAll(): Promise<void>
  stop(): Promise<void>
}

/** Sends one inline command and resolves with the first reply. */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => socket.write(`${command}\r\n`))
    socket.once("data", (data) => {
      socket.end()
      resolve(data.toString())
    })
    socket.once("error", reject)
  })
}

function findRedisServer(): string | null {
  for (const candidate of ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]) {
    if (fs.existsSync(candidate)) {
      return candidate
    }
  }
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || null
  } catch {
    return null
  }
}

/**
 * Debian's `redis-server`, installed with apt-get when it is missing and we are root (as on CI), then
 * started without persistence on `port` (a free one by default; the same port again to restart a Redis
 * that was stopped, empty). Throws with the install command otherwise.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  let binary = findRedisServer()
  if (!binary && process.getuid?.() === 0) {
    execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server"], {
      stdio: "inherit",
    })
    binary = findRedisServer()
  }
  if (!binary) {
    throw new Error("redis-server is needed for the scale-out test: install it (apt-get install redis-server)")
  }
  port ??= await freePort()
  const child: ChildProcess = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  })
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const ready = await redisCommand(port, "PING").then((reply) => reply.includes("PONG"), () => false)
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        flushAll: async () => {
          const reply = await redisCommand(port, "FLUSHALL")
          if (!reply.startsWith("+OK")) {
            throw new Error(`FLUSHALL answered ${reply.trim()}`)
          }
        },
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) {
              return resolve()
            }
            child.once("exit", () => resolve())
            child.kill("SIGTERM")
          }),
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill("SIGKILL")
  throw new Error("redis-server did not start")
}
