import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { ROOT } from "../helpers/child-app"
import { declareDependencies, npmInstall, packPlugin, PLUGIN_NAME, writeConsumerApp } from "../helpers/packed-plugin"

/**
 * The README's test kit example, proven as a shop would run it: the plugin is built and packed, a separate
 * Medusa app installs the tarball, gets the README's `medusa-config.ts` and example test
 * (`<!-- shop-test-kit: <file> -->` blocks, taken from the README as they are) and runs that test with jest
 * and Medusa's `medusaIntegrationTestRunner`. The app borrows this checkout's Medusa, jest and swc (peer
 * dependencies are not installed again: `--legacy-peer-deps`). Heavy (build, install, a second jest with its
 * own Medusa): a soak spec.
 */
const WORK_DIR = path.join(ROOT, "tmp", "shop-test-kit")
const APP_DIR = path.join(WORK_DIR, "app")

jest.setTimeout(15 * 60 * 1000)

/** The README's blocks marked `<!-- shop-test-kit: <file> -->`, by file. */
function readmeExampleFiles(readme: string): Record<string, string> {
  const files: Record<string, string> = {}
  const marked = /<!-- shop-test-kit: (\S+) -->\n```ts\n([\s\S]*?)\n```/g
  for (const [, file, source] of readme.matchAll(marked)) {
    files[file] = `${source}\n`
  }
  return files
}

/** The jest setup of Medusa's app template for integration tests: swc for TypeScript, node environment. */
const JEST_CONFIG = `module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\\\.[jt]s$": ["@swc/jest", { jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2021" } }] },
  moduleFileExtensions: ["js", "ts", "json"],
  testMatch: ["<rootDir>/integration-tests/**/*.spec.ts"],
  modulePathIgnorePatterns: ["<rootDir>/.medusa/"],
}
`

/** Runs jest in the shop's app as \`npx jest\` would, with this process's database; resolves with its exit code and output. */
function runShopJest(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    let output = ""
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--runInBand", "--forceExit", "--ci"], {
      cwd: APP_DIR,
      env: {
        ...process.env,
        NODE_OPTIONS: "--experimental-vm-modules",
        NODE_ENV: "test",
        MEDUSA_DISABLE_TELEMETRY: "true",
        LOG_LEVEL: "error",
        JEST_WORKER_ID: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    })
    child.stdout?.on("data", (chunk) => (output += chunk))
    child.stderr?.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("exit", (code) => resolve({ code, output }))
  })
}

describe("the README's test kit example", () => {
  const example = readmeExampleFiles(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"))

  it("is in the README: a medusa-config.ts and a test file that uses the kit from the package", () => {
    expect(Object.keys(example).sort()).toEqual(["integration-tests/http/checkout.spec.ts", "medusa-config.ts"])
    expect(example["integration-tests/http/checkout.spec.ts"]).toContain(`from "${PLUGIN_NAME}/testing"`)
  })

  it("passes in a shop's app that installed the packed plugin", async () => {
    const { tarball } = await packPlugin(WORK_DIR)
    writeConsumerApp(APP_DIR, { [PLUGIN_NAME]: `file:${tarball}` })
    fs.rmSync(path.join(APP_DIR, "medusa-config.js"))
    for (const [file, source] of Object.entries(example)) {
      fs.mkdirSync(path.dirname(path.join(APP_DIR, file)), { recursive: true })
      fs.writeFileSync(path.join(APP_DIR, file), source)
    }
    fs.writeFileSync(path.join(APP_DIR, "jest.config.js"), JEST_CONFIG)
    await npmInstall(APP_DIR, ["--legacy-peer-deps"])
    declareDependencies(APP_DIR, { "@medusajs/framework": "2.21.2", "@medusajs/medusa": "2.21.2" })

    const { code, output } = await runShopJest()

    expect({ code, summary: output.match(/Tests:.*$/m)?.[0] ?? output.slice(-4000) }).toEqual({
      code: 0,
      summary: expect.stringMatching(/Tests:\s+5 passed, 5 total/),
    })
  })
})
