/**
 * `npm run test:e2e`: the admin pages in a real browser (Debian's chromium driven by playwright-core)
 * against a separate Medusa app that installs the built plugin. Not part of `npm test`: it builds the
 * plugin and the app's admin, which takes minutes. Same embedded Postgres setup as the other tests.
 */
const base = require("./jest.config")

const integration = base.projects.find((project) => project.displayName === "integration")

module.exports = {
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  projects: [{ ...integration, displayName: "e2e", testMatch: ["<rootDir>/integration-tests/e2e/**/*.e2e.ts"] }],
}
