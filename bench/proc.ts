import fs from "node:fs"

/** One process as `/proc/<pid>/stat` describes it (the fields after the command, 0-based: state, ppid, pgrp, ...). */
export interface ProcStat {
  pid: number
  parent: number
  group: number
  /** The stat line's fields after the command name. */
  fields: string[]
}

/** Every process on the machine, read from `/proc`; a process that ends while being read is skipped. */
export function procStats(): ProcStat[] {
  const found: ProcStat[] = []
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue
    }
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      found.push({ pid: Number(entry), parent: Number(fields[1]), group: Number(fields[2]), fields })
    } catch {
      // the process ended meanwhile
    }
  }
  return found
}
