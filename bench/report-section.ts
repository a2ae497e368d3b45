import fs from "node:fs"

/**
 * Writes `section` into `file` between the markers `<!-- name:start -->` and `<!-- name:end -->`,
 * replacing what was there, or appends the markers and the section when the file has none. The
 * benchmarks keep their generated tables in hand-written documents this way.
 */
export function replaceSection(file: string, name: string, section: string): void {
  const [begin, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  const block = `${begin}\n${section}${end}`
  const start = current.indexOf(begin)
  const stop = current.indexOf(end)
  fs.writeFileSync(
    file,
    start >= 0 && stop > start ? current.slice(0, start) + block + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${block}\n`
  )
}
