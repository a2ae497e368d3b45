import axios from "axios"
import { execFile, spawn, type ChildProcess } from "node:child_process"
import net from "node:net"
import path from "node:path"
import { promisify } from "node:util"
import { Client } from "pg"
import Stripe from "stripe"
import type { SeedResult } from "../../scripts/lib/seed-data"
import { freePort, freshDatabase, ROOT } from "../helpers/child-app"
import { createCartReadyForPayment } from "../helpers/store-flow"
import { waitFor } from "../helpers/stripe-harness"

/**
 * `npm run dev -- --servers 2 --workers 2`: Redis, two servers and two workers on one Postgres, the
 * simulator spreading deliveries round robin over the servers. A payment through it becomes an order,
 * and when the command is killed with SIGKILL every process it started goes with it.
 */
jest.setTimeout(20 * 60 * 1000)

const run = promisify(execFile)
const PAYMENTS = 4

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Every process below `pid`, children first found by `pgrep -P`, recursively. */
async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run("pgrep", ["-P", String(pid)]).catch(() => ({ stdout: "" }))
  const children = stdout.trim().split("\n").filter(Boolean).map(Number)
  return [...children, ...(await Promise.all(children.map(descendants))).flat()]
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)))
  })
}

/** A base port whose next `count - 1` ports are free too (the servers' and workers' ports). */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const base = await freePort()
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, index) => portIsFree(base + index + 1)))
    if (rest.every(Boolean)) {
      return base
    }
  }
}

describe("npm run dev -- --servers 2 --workers 2", () => {
  let dev: ChildProcess | undefined
  let output = ""

  afterAll(async () => {
    if (dev?.pid && alive(dev.pid)) {
      dev.kill("SIGKILL")
    }
  })

  it("runs a payment through the cluster, and everything stops when the command is killed", async () => {
    const databaseUrl = await freshDatabase("mpw_dev_cluster")
    const basePort = await freePortRange(4)
    const stripePort = await freePort()
    dev = spawn(process.execPath, [path.join(ROOT, "scripts/dev.mjs"), "--servers", "2", "--workers", "2"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
        DATABASE_URL: databaseUrl,
        PORT: String(basePort),
        DEV_REDIS_PORT: String(await freePort()),
        STRIPE_SIM_PORT: String(stripePort),
        ADYEN_SIM_PORT: String(await freePort()),
      },
    })
    dev.stdout!.on("data", (chunk) => (output += chunk))
    dev.stderr!.on("data", (chunk) => (output += chunk))
    const ports = [0, 1, 2, 3].map((offset) => basePort + offset)

    const healthy = async (port: number) => (await fetch(`http://localhost:${port}/health`).catch(() => null))?.ok
    await waitFor(async () => (await Promise.all(ports.map(healthy))).every(Boolean), {
      timeoutMs: 15 * 60 * 1000,
      intervalMs: 1000,
      what: `the 2 servers and 2 workers to answer /health (output so far:\n${output.slice(-2000)})`,
    }).catch((error) => {
      throw new Error(`${error.message}\n${output.slice(-4000)}`)
    })
    const seedLine = output.split("\n").find((line) => line.includes("seeded: "))!
    const seed: SeedResult = JSON.parse(seedLine.slice(seedLine.indexOf("seeded: ") + "seeded: ".length))

    const stripe = new Stripe("sk_test_local", { host: "localhost", port: stripePort, protocol: "http" })
    const cartIds: string[] = []
    for (let index = 0; index < PAYMENTS; index += 1) {
      const api = axios.create({ baseURL: `http://localhost:${ports[index % 2]}` })
      const { cart, paymentSession } = await createCartReadyForPayment(api, seed, {
        currency: "eur",
        providerId: "pp_stripe_stripe",
        email: `cluster-${index}@example.com`,
      })
      await stripe.paymentIntents.confirm((paymentSession.data as { id: string }).id, { payment_method: "pm_card_visa" })
      cartIds.push(cart.id)
    }
    const db = new Client({ connectionString: databaseUrl })
    await db.connect()
    try {
      await waitFor(
        async () =>
          (await db.query(`SELECT count(DISTINCT cart_id)::int AS n FROM order_cart WHERE cart_id = ANY($1)`, [cartIds])).rows[0]
            .n === PAYMENTS,
        { timeoutMs: 2 * 60 * 1000, intervalMs: 500, what: `${PAYMENTS} orders made by the cluster's workers` }
      )
    } finally {
      await db.end()
    }
    const deliveries: { url: string }[] = (await axios.get(`http://localhost:${stripePort}/_simulator/deliveries?limit=100`)).data.data
    const servedBy = [...new Set(deliveries.map((delivery) => Number(new URL(delivery.url).port)))].sort()
    expect(servedBy).toEqual([ports[0], ports[1]])

    const processes = await descendants(dev.pid!)
    expect(processes.length).toBeGreaterThanOrEqual(7)
    dev.kill("SIGKILL")

    await waitFor(async () => processes.every((pid) => !alive(pid)), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `every process of the cluster to exit (left: ${processes.filter(alive).join(", ")})`,
    })
    console.info(JSON.stringify({ dev_cluster: { payments: PAYMENTS, orders: PAYMENTS, processes: processes.length, servers_delivered_to: servedBy } }))
  })
})
