/**
 * Per-file setup for unit tests. jest's 5 s default is too tight for the few unit specs that start
 * real servers (the simulators, an HTTP endpoint) when the suite's two workers share a 2-core machine
 * with Medusa apps: they passed alone and timed out under load. Tests still wait for states, not time.
 */
jest.setTimeout(30 * 1000)
