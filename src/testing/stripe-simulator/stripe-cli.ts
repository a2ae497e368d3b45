import Stripe from "stripe"
import { SIMULATOR_DEFAULTS } from "./server"

/** Where the simulator is and the key it takes. */
export interface SimulatorTarget {
  url: string
  apiKey: string
}

/** What `trigger` may be told: amount in the smallest unit, currency and metadata of the payment it creates. */
export interface TriggerOptions {
  amount?: number
  currency?: string
  metadata?: Record<string, string>
}

/** What a trigger did: the payment intent it created and, where made, the refund or dispute. */
export interface TriggerResult {
  paymentIntent: string
  refund?: string
  dispute?: string
}

type Trigger = (client: SimulatorClient, options: TriggerOptions) => Promise<TriggerResult>

const RETURN_URL = "http://localhost:8000/checkout/return"

/** The SDK pointed at the simulator, plus its dashboard API. */
class SimulatorClient {
  readonly stripe: Stripe

  constructor(private readonly target: SimulatorTarget) {
    const url = new URL(target.url)
    this.stripe = new Stripe(target.apiKey, {
      host: url.hostname,
      port: Number(url.port || 80),
      protocol: url.protocol === "https:" ? "https" : "http",
      maxNetworkRetries: 0,
    })
  }

  /** Calls a dashboard action and returns its JSON; throws with the simulator's reason on a non-2xx answer. */
  async dashboard<T>(method: "GET" | "POST", path: string, body?: object): Promise<T> {
    const response = await fetch(`${this.target.url}/_simulator${path}`, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    })
    const parsed = (await response.json()) as T & { error?: { message?: string } }
    if (!response.ok) {
      throw new Error(`${method} /_simulator${path} answered ${response.status}: ${parsed.error?.message ?? "no reason"}`)
    }
    return parsed
  }

  card(options: TriggerOptions, extra: Partial<Stripe.PaymentIntentCreateParams> = {}): Promise<Stripe.PaymentIntent> {
    return this.stripe.paymentIntents.create({
      amount: options.amount ?? 2000,
      currency: options.currency ?? "eur",
      metadata: options.metadata ?? {},
      payment_method: "pm_card_visa",
      payment_method_types: ["card"],
      confirm: true,
      ...extra,
    })
  }
}

async function paid(client: SimulatorClient, options: TriggerOptions): Promise<TriggerResult> {
  return { paymentIntent: (await client.card(options)).id }
}

/** The flows `trigger` knows, by the event they end with (and a few short names). */
export const TRIGGERS: Record<string, { summary: string; run: Trigger }> = {
  "payment_intent.succeeded": { summary: "a card payment, captured at once", run: paid },
  "payment_intent.amount_capturable_updated": {
    summary: "a card payment authorized for manual capture",
    run: async (client, options) => ({ paymentIntent: (await client.card(options, { capture_method: "manual" })).id }),
  },
  "payment_intent.payment_failed": {
    summary: "a declined card (insufficient funds)",
    run: async (client, options) => {
      const error = await client
        .card(options, { payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds" })
        .then(() => undefined, (failure: { raw?: { payment_intent?: { id: string } } }) => failure)
      const id = error?.raw?.payment_intent?.id
      if (!id) {
        throw new Error("the declined card was not declined")
      }
      return { paymentIntent: id }
    },
  },
  "payment_intent.requires_action": {
    summary: "an iDEAL payment waiting for the customer on the redirect page",
    run: async (client, options) => {
      const intent = await client.card(options, {
        payment_method: "pm_ideal",
        payment_method_types: ["ideal"],
        return_url: RETURN_URL,
      })
      return { paymentIntent: intent.id }
    },
  },
  "payment_intent.canceled": {
    summary: "an authorized card payment, canceled",
    run: async (client, options) => {
      const intent = await client.card(options, { capture_method: "manual" })
      await client.stripe.paymentIntents.cancel(intent.id)
      return { paymentIntent: intent.id }
    },
  },
  "charge.refunded": {
    summary: "a card payment refunded in full from the dashboard",
    run: async (client, options) => {
      const { paymentIntent } = await paid(client, options)
      const refund = await client.dashboard<{ id: string }>("POST", `/payment_intents/${paymentIntent}/refund`)
      return { paymentIntent, refund: refund.id }
    },
  },
  "charge.dispute.created": {
    summary: "a card payment disputed by the cardholder (fraudulent)",
    run: async (client, options) => {
      const { paymentIntent } = await paid(client, options)
      const dispute = await client.dashboard<{ id: string }>("POST", `/payment_intents/${paymentIntent}/dispute`)
      return { paymentIntent, dispute: dispute.id }
    },
  },
  "charge.dispute.closed": {
    summary: "a disputed card payment whose dispute is lost",
    run: async (client, options) => {
      const { paymentIntent } = await paid(client, options)
      const dispute = await client.dashboard<{ id: string }>("POST", `/payment_intents/${paymentIntent}/dispute`)
      await client.dashboard("POST", `/disputes/${dispute.id}`, { status: "lost" })
      return { paymentIntent, dispute: dispute.id }
    },
  },
}

const ALIASES: Record<string, string> = {
  payment: "payment_intent.succeeded",
  authorized: "payment_intent.amount_capturable_updated",
  declined: "payment_intent.payment_failed",
  redirect: "payment_intent.requires_action",
  refund: "charge.refunded",
  dispute: "charge.dispute.created",
}

/** Runs the flow that ends with `event` (or an alias such as `refund`) against the simulator. */
export async function trigger(target: SimulatorTarget, event: string, options: TriggerOptions = {}): Promise<TriggerResult> {
  const name = ALIASES[event] ?? event
  const known = TRIGGERS[name]
  if (!known) {
    throw new Error(
      `Unknown trigger "${event}". Known: ${[...Object.keys(TRIGGERS), ...Object.keys(ALIASES)].join(", ")}`
    )
  }
  return known.run(new SimulatorClient(target), options)
}

/** One delivery attempt as `listen` prints it. */
export interface ListedDelivery {
  seq: number
  eventId: string
  type: string | null
  url: string
  status: number | "error"
  attempt: number
}

/** The delivery attempts made after `after` (a `seq`), oldest first. */
export async function deliveriesSince(target: SimulatorTarget, after: number): Promise<ListedDelivery[]> {
  const client = new SimulatorClient(target)
  const page = await client.dashboard<{ data: ListedDelivery[] }>("GET", `/deliveries?after=${after}&limit=100`)
  return page.data.reverse()
}

/** A delivery attempt as one line: `--> 200 payment_intent.succeeded evt_... [attempt 1] http://...`. */
export function formatDelivery(delivery: ListedDelivery): string {
  return `--> ${delivery.status} ${delivery.type ?? "?"} ${delivery.eventId} [attempt ${delivery.attempt}] ${delivery.url}`
}

/** Reads `trigger` options from `--amount 1500 --currency usd --metadata key=value` arguments. */
export function parseTriggerOptions(args: string[]): TriggerOptions {
  const options: TriggerOptions = {}
  for (let index = 0; index < args.length; index += 2) {
    const [flag, value] = [args[index], args[index + 1]]
    if (value === undefined) {
      throw new Error(`${flag} needs a value`)
    }
    if (flag === "--amount") {
      if (!/^[1-9]\d*$/.test(value)) {
        throw new Error(`--amount must be a positive integer in the smallest currency unit, got "${value}"`)
      }
      options.amount = Number(value)
    } else if (flag === "--currency") {
      options.currency = value.toLowerCase()
    } else if (flag === "--metadata") {
      const [key, ...rest] = value.split("=")
      if (!key || rest.length === 0) {
        throw new Error(`--metadata takes key=value, got "${value}"`)
      }
      options.metadata = { ...options.metadata, [key]: rest.join("=") }
    } else {
      throw new Error(`Unknown option ${flag} (known: --amount, --currency, --metadata)`)
    }
  }
  return options
}

const USAGE = `Usage: npm run stripe -- trigger <event> [--amount 2000] [--currency eur] [--metadata key=value]
       npm run stripe -- listen
Talks to the Stripe simulator at STRIPE_SIM_URL (default http://localhost:${SIMULATOR_DEFAULTS.port}) with STRIPE_API_KEY.
Triggers:
${Object.entries(TRIGGERS)
  .map(([name, { summary }]) => `  ${name.padEnd(44)} ${summary}`)
  .join("\n")}
Aliases: ${Object.entries(ALIASES)
  .map(([alias, name]) => `${alias} (${name})`)
  .join(", ")}`

const LISTEN_POLL_MS = 500

async function listen(target: SimulatorTarget): Promise<never> {
  const existing = await deliveriesSince(target, 0)
  let after = existing.at(-1)?.seq ?? 0
  console.log(`Listening to the deliveries of ${target.url} (Ctrl-C to stop)`)
  for (;;) {
    for (const delivery of await deliveriesSince(target, after)) {
      console.log(formatDelivery(delivery))
      after = delivery.seq
    }
    await new Promise((resolve) => setTimeout(resolve, LISTEN_POLL_MS))
  }
}

async function main(args: string[]): Promise<void> {
  const target = {
    url: process.env.STRIPE_SIM_URL || `http://localhost:${process.env.STRIPE_SIM_PORT || SIMULATOR_DEFAULTS.port}`,
    apiKey: process.env.STRIPE_API_KEY || SIMULATOR_DEFAULTS.apiKey,
  }
  const [command, ...rest] = args
  if (command === "trigger" && rest[0]) {
    const result = await trigger(target, rest[0], parseTriggerOptions(rest.slice(1)))
    console.log(JSON.stringify(result))
  } else if (command === "listen") {
    await listen(target)
  } else {
    console.log(USAGE)
    process.exitCode = command && command !== "help" ? 1 : 0
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
