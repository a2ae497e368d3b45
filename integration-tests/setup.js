/** Per-file setup for integration tests: quiet logs, no telemetry, generous timeouts for app boot. */
process.env.MEDUSA_DISABLE_TELEMETRY = "true"
process.env.LOG_LEVEL = process.env.LOG_LEVEL || "error"
jest.setTimeout(240 * 1000)
