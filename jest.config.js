/**
 * Two projects: `unit` (pure code, no database) and `integration` (an in-process Medusa app on an
 * embedded Postgres that `integration-tests/global-setup.js` starts on a free port).
 */
const swcTransform = [
  "@swc/jest",
  { jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2021" } },
]

const common = {
  transform: { "^.+\\.[jt]s$": swcTransform },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["<rootDir>/\\.medusa/", "<rootDir>/\\.data/", "<rootDir>/tmp/"],
}

module.exports = {
  globalSetup: "<rootDir>/integration-tests/global-setup.js",
  globalTeardown: "<rootDir>/integration-tests/global-teardown.js",
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/src/**/__tests__/**/*.spec.ts"],
      setupFiles: ["<rootDir>/jest.unit-setup.js"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/integration-tests/**/*.spec.ts"],
      setupFiles: ["<rootDir>/integration-tests/setup.js"],
    },
  ],
}
