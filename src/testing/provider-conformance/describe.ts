import { AssertionError } from "node:assert"
import { paymentWebhookConformanceChecks, type PaymentWebhookProviderFixtures } from "./checks"

/** Options of {@link describePaymentWebhookProvider}. */
export interface DescribeConformanceOptions {
  /**
   * Checks this provider is known to fail, by id, with why: each becomes a test that passes only
   * while the check still fails, so the suite turns red when the provider changes either way.
   */
  knownFailures?: Readonly<Record<string, string>>
}

/**
 * Registers a jest suite (`describe`/`it`, so call it at the top level of a spec file) that checks a
 * payment provider class against this plugin's provider contract with `fixtures`: signatures, event
 * ids, the documented event table, amounts in major units, unknown events, malformed bodies,
 * transient vs bad-input errors and declined payments. No database and no Medusa app are needed.
 */
export function describePaymentWebhookProvider<P>(
  name: string,
  fixtures: PaymentWebhookProviderFixtures<P>,
  options: DescribeConformanceOptions = {}
): void {
  const knownFailures = options.knownFailures ?? {}
  describe(`${name}: medusa-payment-webhooks provider conformance`, () => {
    const checks = paymentWebhookConformanceChecks(fixtures)
    for (const check of checks) {
      const knownFailure = knownFailures[check.id]
      if (check.skip) {
        it.skip(`${check.title} (${check.skip})`, () => undefined)
      } else if (knownFailure !== undefined) {
        it(`${check.title} - KNOWN FAILURE: ${knownFailure}`, async () => {
          // An assertion of the check, not a crash of the fixtures.
          await expect(check.run()).rejects.toBeInstanceOf(AssertionError)
        })
      } else {
        it(check.title, () => check.run())
      }
    }
    if (Object.keys(knownFailures).length) {
      it("lists only known failures that are checks", () => {
        const ids = new Set(checks.map((check) => check.id))
        expect(Object.keys(knownFailures).filter((id) => !ids.has(id))).toEqual([])
      })
    }
  })
}
