import { execFileSync } from "node:child_process"
import path from "node:path"

const ROOT = path.resolve(__dirname, "../../..")

/** Loads `module` in a fresh Node process (TypeScript through tsx) and lists the core packages it pulled in. */
function loadedMedusaPackages(module: string): string[] {
  const script = `
    require(${JSON.stringify(module)})
    const loaded = new Set()
    for (const file of Object.keys(require.cache)) {
      const match = /node_modules[\\\\/](@medusajs[\\\\/][^\\\\/]+)/.exec(file)
      if (match) loaded.add(match[1].replace("\\\\", "/"))
    }
    process.stdout.write(JSON.stringify([...loaded].sort()))
  `
  const output = execFileSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["-e", script], { cwd: ROOT, encoding: "utf8" })
  return JSON.parse(output) as string[]
}

describe("importing the testing kit", () => {
  it("does not load Medusa's core workflows, so it can sit beside an app's own copy of them", () => {
    // Loading core-flows registers every core workflow in a process-wide manager; a second copy (the
    // shop's app next to the kit's) then fails with "Workflow with id ... already exists".
    const loaded = loadedMedusaPackages(path.join(ROOT, "src", "testing"))
    expect(loaded).not.toContain("@medusajs/core-flows")
    expect(loaded).not.toContain("@medusajs/workflows-sdk")
  })
})
