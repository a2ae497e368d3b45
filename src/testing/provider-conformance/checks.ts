import assert from "node:assert/strict"
import { randomUUID } from "node:crypto"
import type { AuthorizePaymentInput, ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { isBadInputError, webhookErrorKind } from "../../providers/kit/errors"
import { canReceiveWebhookBatches, type PaymentWebhookData, type WebhookAction } from "../../providers/webhook-contract"

/** An event the kit asks a fixture to write in its provider's format. */
export interface ConformanceEventSpec {
  /** The provider's event type, e.g. `payment_intent.succeeded`. */
  type: string
  /** Unique per event; the same spec must produce the same event (a redelivery). */
  id: string
  /** The Medusa payment session the event is about. */
  session_id: string
  /** Lower-case ISO 4217 code. */
  currency_code: string
  /**
   * The amount twice: in major units (what the provider must return) and in the currency's ISO 4217
   * minor unit (`12.34` KWD is `12340` fils, `1234` JPY is `1234`). Write whichever your provider's
   * wire format uses; the kit never converts for you.
   */
  amount: { major: number; minor: number }
}

/** What the conformance kit needs to exercise a provider class, without a database or a Medusa app. */
export interface PaymentWebhookProviderFixtures<P = unknown> {
  /** A provider instance configured with every secret of `secrets`. */
  provider(): P | Promise<P>
  /** The provider's webhook body for `spec` (the kit serialises it with `JSON.stringify`). */
  event(spec: ConformanceEventSpec): unknown
  /** The request the provider would receive with `rawBody`, signed with `secret` at `timestamp`. */
  sign(rawBody: string, options: { secret: string; timestamp: Date }): ProviderWebhookPayload["payload"]
  /** The webhook secrets the provider is configured with; the kit signs with each (rotation). */
  secrets: string[]
  /** A secret the provider does not know. */
  forgedSecret: string
  /** How old a signed timestamp may be, in seconds; null when the provider's signatures carry no time. */
  toleranceSeconds: number | null
  /** Every event type the provider documents, with the action it means. */
  eventActions: Readonly<Record<string, WebhookAction>>
  /** A documented event type whose `data.amount` is the payment's amount (the currency checks use it). */
  amountEventType: string
  /** An event type the provider does not act on. */
  unknownEventType: string
  /**
   * The `authorizePayment` input of a payment the provider declined (e.g. a card refused on a
   * simulator), for `provider`.
   */
  declinedPayment(provider: P): Promise<AuthorizePaymentInput>
  /** A provider call that fails as it does when the provider's API cannot be reached. */
  transientFailure(): Promise<unknown>
  /** A provider call that fails because of its input (e.g. reading a payment that does not exist). */
  badInput(provider: P): Promise<unknown>
}

/** One conformance check: a stable id (used to list expected failures), a title, and the check itself. */
export interface ConformanceCheck {
  id: string
  title: string
  /** Why the check does not apply to this provider, when it does not; `run` is then never called. */
  skip?: string
  run(): Promise<void>
}

/** The result of one check (see {@link runPaymentWebhookConformance}). */
export interface ConformanceResult {
  id: string
  title: string
  outcome: "passed" | "failed" | "skipped"
  /** Why it failed, or why it was skipped. */
  reason?: string
}

/** What a provider made of a delivery, as the checks read it. */
type MappedEvent = { action: string; data?: Partial<PaymentWebhookData> }

type WebhookSide = {
  getWebhookActionAndData?: (payload: ProviderWebhookPayload["payload"]) => Promise<WebhookActionResult>
  authorizePayment?: (input: AuthorizePaymentInput) => Promise<unknown>
}

/** The currencies of the amount checks: two, zero and three decimals. */
const AMOUNT_CASES = [
  { id: "amount.two-decimal", currency_code: "eur", amount: { major: 10.5, minor: 1050 } },
  { id: "amount.zero-decimal", currency_code: "jpy", amount: { major: 1234, minor: 1234 } },
  { id: "amount.three-decimal", currency_code: "kwd", amount: { major: 12.34, minor: 12340 } },
] as const

/**
 * The checks of the provider contract for one provider, as plain functions (node's `assert`), in a
 * stable order: signatures (valid with every secret, forged, tampered, expired), a stable event id,
 * every documented event type's action, amounts in major units for two-, zero- and three-decimal
 * currencies, unknown events, malformed bodies, transient vs bad-input errors, and a declined
 * payment. {@link describePaymentWebhookProvider} turns them into a jest suite.
 */
export function paymentWebhookConformanceChecks<P>(fixtures: PaymentWebhookProviderFixtures<P>): ConformanceCheck[] {
  const newSpec = (type: string, overrides: Partial<ConformanceEventSpec> = {}): ConformanceEventSpec => ({
    type,
    id: randomUUID().replace(/-/g, ""),
    session_id: `payses_conformance_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
    currency_code: "eur",
    amount: { major: 10.5, minor: 1050 },
    ...overrides,
  })
  const delivery = (spec: ConformanceEventSpec, secret = fixtures.secrets[0], timestamp = new Date()) =>
    fixtures.sign(JSON.stringify(fixtures.event(spec)), { secret, timestamp })
  const map = async (payload: ProviderWebhookPayload["payload"]) => mapDelivery(await fixtures.provider(), payload)
  const rejection = async (payload: ProviderWebhookPayload["payload"]) => {
    const error = await map(payload).then(
      (events) => assert.fail(`the delivery was accepted: ${JSON.stringify(events).slice(0, 300)}`),
      (thrown: unknown) => thrown
    )
    return { error, kind: webhookErrorKind(error) }
  }
  const documented = fixtures.eventActions[fixtures.amountEventType]

  const checks: ConformanceCheck[] = [
    {
      id: "signature.valid",
      title: "a delivery signed with any configured secret is accepted and names its session",
      run: async () => {
        assert.ok(fixtures.secrets.length > 0, "fixtures.secrets is empty")
        for (const secret of fixtures.secrets) {
          const spec = newSpec(fixtures.amountEventType)
          const event = await map(delivery(spec, secret))
          assert.equal(event.action, documented, `action of ${spec.type}`)
          assert.equal(event.data?.session_id, spec.session_id, "data.session_id")
        }
      },
    },
    {
      id: "signature.forged",
      title: "a delivery signed with an unknown secret is refused as invalid_signature (400)",
      run: async () => {
        const { error, kind } = await rejection(delivery(newSpec(fixtures.amountEventType), fixtures.forgedSecret))
        assert.equal(kind, "invalid_signature", `refused with ${describeError(error)}`)
      },
    },
    {
      id: "signature.tampered",
      title: "a body changed after it was signed is refused as invalid_signature (400)",
      run: async () => {
        const spec = newSpec(fixtures.amountEventType)
        const signed = delivery(spec)
        const tampered = Buffer.from(String(signed.rawData).replace(String(spec.amount.minor), String(spec.amount.minor * 10)))
        assert.notDeepEqual(tampered, Buffer.from(String(signed.rawData)), "the fixture's body does not contain the amount")
        const { error, kind } = await rejection({ ...signed, rawData: tampered, data: JSON.parse(tampered.toString()) })
        assert.equal(kind, "invalid_signature", `refused with ${describeError(error)}`)
      },
    },
    {
      id: "signature.expired",
      title: "a delivery signed longer ago than the tolerance is refused as invalid_signature (400)",
      skip: fixtures.toleranceSeconds === null ? "the provider's signatures carry no timestamp" : undefined,
      run: async () => {
        const old = new Date(Date.now() - ((fixtures.toleranceSeconds ?? 0) + 60) * 1000)
        const { error, kind } = await rejection(delivery(newSpec(fixtures.amountEventType), fixtures.secrets[0], old))
        assert.equal(kind, "invalid_signature", `refused with ${describeError(error)}`)
      },
    },
    {
      id: "event-id.stable",
      title: "data.event_id is the same on every redelivery of an event, and differs between events",
      run: async () => {
        const spec = newSpec(fixtures.amountEventType)
        const first = await map(delivery(spec, fixtures.secrets[0], new Date(Date.now() - 60_000)))
        const again = await map(delivery(spec, fixtures.secrets[fixtures.secrets.length - 1]))
        const other = await map(delivery({ ...spec, id: newSpec(spec.type).id }))
        const id = first.data?.event_id
        assert.ok(typeof id === "string" && id.length > 0, `data.event_id is ${JSON.stringify(id)}`)
        assert.equal(again.data?.event_id, id, "event_id of the redelivery")
        assert.notEqual(other.data?.event_id, id, "event_id of another event")
      },
    },
    ...Object.entries(fixtures.eventActions).map(
      ([type, action]): ConformanceCheck => ({
        id: `event-type:${type}`,
        title: `${type} -> ${action}`,
        run: async () => {
          const event = await map(delivery(newSpec(type)))
          assert.equal(event.action, action, `action of ${type}`)
        },
      })
    ),
    ...AMOUNT_CASES.map(
      ({ id, currency_code, amount }): ConformanceCheck => ({
        id,
        title: `${amount.major} ${currency_code.toUpperCase()} comes back as data.amount ${amount.major} (major units)`,
        run: async () => {
          const event = await map(delivery(newSpec(fixtures.amountEventType, { currency_code, amount })))
          assert.equal(Number(event.data?.amount), amount.major, "data.amount")
        },
      })
    ),
    {
      id: "unknown-event",
      title: "an event type the provider does not act on comes back not_supported, not as an exception",
      run: async () => {
        const event = await map(delivery(newSpec(fixtures.unknownEventType)))
        assert.equal(event.action, "not_supported")
      },
    },
    {
      id: "payload.malformed",
      title: "a signed body that is not an event is refused as invalid_payload (400)",
      run: async () => {
        const signed = fixtures.sign("this is not JSON", { secret: fixtures.secrets[0], timestamp: new Date() })
        const { error, kind } = await rejection(signed)
        assert.equal(kind, "invalid_payload", `refused with ${describeError(error)}`)
      },
    },
    {
      id: "errors.transient-vs-bad-input",
      title: "a transient failure (API unreachable) is retryable, bad input is a MedusaError no retry fixes",
      run: async () => {
        const transient = await rejectionOf(fixtures.transientFailure(), "the transient failure")
        assert.ok(!isBadInputError(transient), `the transient failure is ${describeError(transient)}`)
        const bad = await rejectionOf(fixtures.badInput(await fixtures.provider()), "the bad input")
        assert.ok(isBadInputError(bad), `the bad input is ${describeError(bad)}, not a MedusaError of a bad-input type`)
      },
    },
    {
      id: "authorize.declined",
      title: "authorizePayment of a declined payment throws PAYMENT_AUTHORIZATION_ERROR",
      run: async () => {
        const provider = (await fixtures.provider()) as P & WebhookSide
        const input = await fixtures.declinedPayment(provider)
        assert.equal(typeof provider.authorizePayment, "function", "the provider has no authorizePayment")
        const error = await rejectionOf(provider.authorizePayment!(input), "authorizePayment")
        assert.ok(
          error instanceof MedusaError && error.type === MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
          `authorizePayment threw ${describeError(error)}`
        )
      },
    },
  ]
  return checks
}

/**
 * Runs every check and reports each one's outcome, without a test runner: for a script, or a
 * table of what a provider satisfies.
 */
export async function runPaymentWebhookConformance<P>(
  fixtures: PaymentWebhookProviderFixtures<P>
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = []
  for (const check of paymentWebhookConformanceChecks(fixtures)) {
    if (check.skip) {
      results.push({ id: check.id, title: check.title, outcome: "skipped", reason: check.skip })
      continue
    }
    try {
      await check.run()
      results.push({ id: check.id, title: check.title, outcome: "passed" })
    } catch (error) {
      results.push({ id: check.id, title: check.title, outcome: "failed", reason: (error as Error).message })
    }
  }
  return results
}

/**
 * What a provider makes of one delivery: through `getWebhookEvents` when it has it (the delivery
 * must then hold exactly one event), else `getWebhookActionAndData`.
 */
async function mapDelivery(provider: unknown, payload: ProviderWebhookPayload["payload"]): Promise<MappedEvent> {
  if (canReceiveWebhookBatches(provider)) {
    const events = await provider.getWebhookEvents(payload)
    assert.equal(events.length, 1, "getWebhookEvents of a delivery of one event")
    return events[0] as MappedEvent
  }
  const side = provider as WebhookSide
  assert.equal(typeof side.getWebhookActionAndData, "function", "the provider has no getWebhookActionAndData")
  return (await side.getWebhookActionAndData!(payload)) as MappedEvent
}

async function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  return promise.then(
    () => assert.fail(`${what} succeeded`),
    (error: unknown) => error
  )
}

function describeError(error: unknown): string {
  const err = error as { name?: unknown; type?: unknown; message?: unknown } | null
  const kind = error instanceof MedusaError ? `MedusaError(${err?.type})` : String(err?.name ?? typeof error)
  return `${kind}: ${String(err?.message ?? error).slice(0, 200)}`
}
