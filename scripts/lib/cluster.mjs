/**
 * The cluster mode of `npm run dev` (`--servers N --workers M`): reading the flags, finding Debian's
 * redis-server and waiting until a Redis answers. No product logic lives here.
 */
import { execFileSync } from "node:child_process"
import net from "node:net"

const FLAGS = ["--servers", "--workers"]

/**
 * Reads `--servers N` and `--workers M` (also `--servers=N`). Returns `null` when neither is given (the
 * single `medusa develop` of plain `npm run dev`), otherwise both counts (a missing one is 1). Throws a
 * message naming the flag when a count is not a whole number of at least 1, or an argument is unknown.
 */
export function parseClusterFlags(argv) {
  const counts = {}
  for (let index = 0; index < argv.length; index += 1) {
    const [flag, inline] = argv[index].split("=", 2)
    if (!FLAGS.includes(flag)) {
      throw new Error(`unknown argument "${argv[index]}" (npm run dev -- --servers N --workers M)`)
    }
    const raw = inline ?? argv[++index]
    const count = Number(raw)
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`${flag} takes a whole number of at least 1, got "${raw ?? ""}"`)
    }
    counts[flag.slice(2)] = count
  }
  if (!Object.keys(counts).length) {
    return null
  }
  return { servers: counts.servers ?? 1, workers: counts.workers ?? 1 }
}

/** The path of `redis-server` on the PATH, or `null`. */
export function findRedisServer() {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || null
  } catch {
    return null
  }
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => socket.write("PING\r\n"))
    socket.once("data", (data) => {
      socket.end()
      resolve(data.toString().includes("PONG"))
    })
    socket.once("error", () => resolve(false))
  })
}

/** Resolves once a Redis on 127.0.0.1:`port` answers PING; rejects after `timeoutMs`. */
export async function waitForRedis(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await ping(port)) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`redis-server did not answer on port ${port} within ${timeoutMs / 1000} s`)
}
