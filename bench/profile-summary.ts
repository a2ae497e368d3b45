/**
 * Where a V8 CPU profile's time went: `npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [pattern]`
 * prints the self time per package (or this repository's file, or Node's internals), the functions
 * with the most self time and, with a pattern, the inclusive time of the functions it matches. Profiles come from `BENCH_PROFILE=true npm run bench`.
 */
import fs from "node:fs"

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Groups a script URL: an npm package, a file of this repository, or Node's own code. */
export function ownerOf(url: string): string {
  if (!url) {
    return "(native / V8)"
  }
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (packageMatch) {
    return packageMatch[1]
  }
  if (url.startsWith("node:")) {
    return "node internals"
  }
  const source = /\/(src\/.*)$/.exec(url)
  return source ? `plugin ${source[1]}` : url
}

/**
 * Inclusive time of the functions whose name or file matches `pattern`: every sample counts once for
 * each matching function on its stack.
 */
function inclusive(profile: CpuProfile, byId: Map<number, ProfileNode>, pattern: RegExp): Map<string, number> {
  const parent = new Map<number, number>()
  profile.nodes.forEach((node) => node.children?.forEach((child) => parent.set(child, node.id)))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, index) => {
    const seen = new Set<string>()
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const { callFrame } = byId.get(current)!
      const name = `${callFrame.functionName || "(anonymous)"} ${ownerOf(callFrame.url)}:${callFrame.lineNumber + 1}`
      if (pattern.test(name) && !seen.has(name)) {
        seen.add(name)
        totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0))
      }
    }
  })
  return totals
}

function summarize(file: string, top: number, pattern?: RegExp): string {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)))
  const total = [...selfUs.values()].reduce((sum, value) => sum + value, 0)
  const owners = new Map<string, number>()
  const functions = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!
    const special = ["(idle)", "(garbage collector)", "(program)"].includes(callFrame.functionName)
    const owner = special ? callFrame.functionName : ownerOf(callFrame.url)
    owners.set(owner, (owners.get(owner) ?? 0) + us)
    const name = `${callFrame.functionName || "(anonymous)"} ${owner}:${callFrame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + us)
  }
  const busy = total - (owners.get("(idle)") ?? 0)
  const lines = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => !name.startsWith("(idle)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `| ${name} | ${(us / 1000).toFixed(0)} | ${((us / busy) * 100).toFixed(1)} % |`)
      .join("\n")
  const included = pattern
    ? `\n| inclusive time of ${pattern} | ms | share of busy |\n|---|---|---|\n${lines(inclusive(profile, byId, pattern))}\n`
    : ""
  return `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy

| self time by owner | ms | share of busy |
|---|---|---|
${lines(owners)}

| function | ms | share of busy |
|---|---|---|
${lines(functions)}
${included}`
}

if (require.main === module) {
  const [file, top, pattern] = process.argv.slice(2)
  if (!file) {
    process.stderr.write("usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [pattern]\n")
    process.exit(2)
  }
  process.stdout.write(summarize(file, Number(top || 25), pattern ? new RegExp(pattern) : undefined))
}
