#!/usr/bin/env node
/**
 * `node scripts/lib/leash.mjs <command> [args...]`: runs the command and makes it die with the process
 * that started the leash. `npm run dev` starts Medusa and the simulator in their own process groups
 * (so it can stop each one in order); without a leash, killing `npm run dev` with SIGKILL would leave
 * them running, holding their ports. The leash leads the group: when its parent is gone (it is
 * re-parented) it stops the whole group, SIGTERM first, SIGKILL if it lingers. It exits with the
 * command's status. No product logic lives here.
 */
import { spawn } from "node:child_process"

const [command, ...args] = process.argv.slice(2)
const parent = process.ppid
const child = spawn(command, args, { stdio: "inherit" })

function stopGroup() {
  try {
    process.kill(-process.pid, "SIGTERM")
  } catch {}
  setTimeout(() => {
    try {
      process.kill(-process.pid, "SIGKILL")
    } catch {}
  }, 10_000).unref()
}

const watch = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(watch)
    stopGroup()
  }
}, 500)

// The group's SIGTERM/SIGINT reach the command directly; the leash waits for it to finish.
process.on("SIGTERM", () => {})
process.on("SIGINT", () => {})
child.on("exit", (code, signal) => {
  clearInterval(watch)
  process.exit(code ?? (signal ? 1 : 0))
})
