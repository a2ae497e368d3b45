import type http from "node:http"
import type Stripe from "stripe"
import { StripeApiError } from "./errors"
import { renderDashboardPage, renderRedirectPage } from "./dashboard-html"
import type { StripeSimulator } from "./server"

/** Where the dashboard lives: a path prefix Stripe's API never uses. */
export const DASHBOARD_PREFIX = "/_simulator"

/** One answer of the dashboard: a status, headers and a body already encoded. */
export interface DashboardAnswer {
  status: number
  headers: http.OutgoingHttpHeaders
  body: string
}

/** A dashboard request: method, path below the prefix, query, decoded body and whether a browser sent it. */
interface DashboardRequest {
  method: string
  segments: string[]
  query: URLSearchParams
  fields: Record<string, string>
  wantsHtml: boolean
}

type Handler = (simulator: StripeSimulator, request: DashboardRequest, id: string) => Promise<DashboardAnswer>

const FAIL_MODES = ["error", "error_after_effect", "timeout"] as const
const DEFAULT_LIST_LIMIT = 20

/**
 * Serves the simulator's dashboard: a JSON API for what a developer does in Stripe's dashboard or on its test
 * pages (complete a redirect, settle an async payment, refund, dispute, resend an event, inject failures), an
 * HTML page listing recent payments and deliveries, and the redirect page `next_action.redirect_to_url` points
 * to. Forms posted by a browser are answered with a redirect back to the page; everything else with JSON.
 */
export async function handleDashboardRequest(
  simulator: StripeSimulator,
  method: string,
  url: URL,
  headers: http.IncomingHttpHeaders,
  body: string
): Promise<DashboardAnswer> {
  let request: DashboardRequest
  try {
    request = {
      method,
      segments: url.pathname.slice(DASHBOARD_PREFIX.length).split("/").filter(Boolean),
      query: url.searchParams,
      fields: decodeFields(String(headers["content-type"] ?? ""), body),
      wantsHtml: String(headers.accept ?? "").includes("text/html"),
    }
  } catch (error) {
    return json(400, { error: { message: (error as Error).message } })
  }
  const found = findRoute(method, request.segments)
  if (!found) {
    return json(404, {
      error: { message: `No simulator dashboard action for ${method} ${url.pathname}. See GET ${DASHBOARD_PREFIX}/help.` },
    })
  }
  try {
    const answer = await found.handler(simulator, request, found.id)
    return request.wantsHtml && method === "POST" && answer.status < 300 && !answer.headers.Location
      ? { status: 303, headers: { Location: DASHBOARD_PREFIX }, body: "" }
      : answer
  } catch (error) {
    if (error instanceof StripeApiError) {
      return json(error.statusCode, { error: error.body })
    }
    return json(500, { error: { message: `Simulator failure: ${String(error)}` } })
  }
}

interface Route {
  method: "GET" | "POST"
  path: string[]
  handler: Handler
  summary: string
}

/** `:id` in a path matches one segment, handed to the handler. */
const ROUTES: Route[] = [
  { method: "GET", path: [], handler: page, summary: "HTML page: recent payment intents and deliveries, with buttons" },
  { method: "GET", path: ["help"], handler: help, summary: "this list" },
  {
    method: "GET",
    path: ["payment_intents"],
    handler: listPaymentIntents,
    summary: "recent payment intents, newest first (limit)",
  },
  {
    method: "POST",
    path: ["payment_intents", ":id", "succeed"],
    handler: settle("succeed"),
    summary: "complete a redirect or 3-D Secure, or settle an async payment as paid",
  },
  {
    method: "POST",
    path: ["payment_intents", ":id", "fail"],
    handler: settle("fail"),
    summary: "fail a redirect or 3-D Secure, or an async payment",
  },
  {
    method: "POST",
    path: ["payment_intents", ":id", "refund"],
    handler: refund,
    summary: "refund as from the dashboard (amount in the smallest unit; default what remains)",
  },
  {
    method: "POST",
    path: ["payment_intents", ":id", "dispute"],
    handler: openDispute,
    summary: "open a dispute on the captured charge (reason, default fraudulent)",
  },
  { method: "GET", path: ["disputes"], handler: listDisputes, summary: "disputes, newest first" },
  {
    method: "POST",
    path: ["disputes", ":id"],
    handler: updateDispute,
    summary: "move a dispute to status (under_review, won, lost, warning_closed...)",
  },
  {
    method: "GET",
    path: ["events"],
    handler: listEvents,
    summary: "events sent, newest first, each with its delivery attempts (limit, type)",
  },
  { method: "POST", path: ["events", ":id", "resend"], handler: resend, summary: "deliver an event again" },
  {
    method: "GET",
    path: ["deliveries"],
    handler: listDeliveries,
    summary: "delivery attempts, newest first, numbered by seq (limit; after=seq for those since)",
  },
  {
    method: "POST",
    path: ["fail_next"],
    handler: failNext,
    summary: "fail the next count API calls to path (method, count, mode error|error_after_effect|timeout)",
  },
  { method: "POST", path: ["fail_next", "clear"], handler: clearFailures, summary: "drop injected failures" },
  {
    method: "GET",
    path: ["redirect", ":id"],
    handler: redirectPage,
    summary: "the page next_action.redirect_to_url opens",
  },
  {
    method: "POST",
    path: ["redirect", ":id"],
    handler: redirectResult,
    summary: "result=authorize|fail, then a 303 to the return_url",
  },
]

function findRoute(method: string, segments: string[]): { handler: Handler; id: string } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || route.path.length !== segments.length) {
      continue
    }
    let id = ""
    const matches = route.path.every((part, index) => {
      if (part === ":id") {
        id = segments[index]
        return true
      }
      return part === segments[index]
    })
    if (matches) {
      return { handler: route.handler, id }
    }
  }
  return undefined
}

async function page(simulator: StripeSimulator): Promise<DashboardAnswer> {
  const html = renderDashboardPage({
    paymentIntents: simulator.recentPaymentIntents(DEFAULT_LIST_LIMIT),
    disputes: simulator.disputes(),
    events: eventsWithDeliveries(simulator, DEFAULT_LIST_LIMIT),
  })
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: html }
}

async function help(): Promise<DashboardAnswer> {
  return json(200, {
    actions: ROUTES.map((route) => ({
      method: route.method,
      path: [DASHBOARD_PREFIX, ...route.path].join("/"),
      summary: route.summary,
    })),
  })
}

async function listPaymentIntents(simulator: StripeSimulator, request: DashboardRequest): Promise<DashboardAnswer> {
  return json(200, { data: simulator.recentPaymentIntents(limitOf(request)) })
}

function settle(result: "succeed" | "fail"): Handler {
  return async (simulator, _request, id) =>
    json(200, result === "succeed" ? await simulator.succeedPending(id) : await simulator.failPending(id))
}

async function refund(simulator: StripeSimulator, request: DashboardRequest, id: string): Promise<DashboardAnswer> {
  return json(200, await simulator.refundFromDashboard(id, optionalPositive(request, "amount")))
}

async function openDispute(
  simulator: StripeSimulator,
  request: DashboardRequest,
  id: string
): Promise<DashboardAnswer> {
  return json(200, await simulator.openDispute(id, { reason: field(request, "reason") }))
}

async function listDisputes(simulator: StripeSimulator): Promise<DashboardAnswer> {
  return json(200, { data: simulator.disputes() })
}

async function updateDispute(
  simulator: StripeSimulator,
  request: DashboardRequest,
  id: string
): Promise<DashboardAnswer> {
  const status = field(request, "status")
  if (!status) {
    return json(400, { error: { message: "status is required (e.g. under_review, won, lost)." } })
  }
  return json(200, await simulator.updateDispute(id, status as Stripe.Dispute.Status))
}

async function listEvents(simulator: StripeSimulator, request: DashboardRequest): Promise<DashboardAnswer> {
  const type = request.query.get("type")
  return json(200, { data: eventsWithDeliveries(simulator, limitOf(request), type ?? undefined) })
}

async function resend(simulator: StripeSimulator, _request: DashboardRequest, id: string): Promise<DashboardAnswer> {
  const event = simulator.resendEvent(id)
  return json(200, { resent: event.id, type: event.type })
}

async function listDeliveries(simulator: StripeSimulator, request: DashboardRequest): Promise<DashboardAnswer> {
  const after = Number(field(request, "after") ?? 0)
  if (!Number.isInteger(after) || after < 0) {
    return json(400, { error: { message: "after must be a sequence number (0 or more)." } })
  }
  const types = new Map(simulator.events.map((event) => [event.id, event.type]))
  const numbered = simulator.deliveries.map((delivery, index) => ({
    seq: index + 1,
    type: types.get(delivery.eventId) ?? null,
    ...delivery,
  }))
  return json(200, { data: numbered.filter((delivery) => delivery.seq > after).reverse().slice(0, limitOf(request)) })
}

async function failNext(simulator: StripeSimulator, request: DashboardRequest): Promise<DashboardAnswer> {
  const path = field(request, "path")
  if (!path?.startsWith("/v1/")) {
    return json(400, { error: { message: "path is required: an API path such as /v1/payment_intents." } })
  }
  const mode = field(request, "mode") ?? "error"
  const knownMode = FAIL_MODES.find((candidate) => candidate === mode)
  if (!knownMode) {
    return json(400, { error: { message: `mode must be one of ${FAIL_MODES.join(", ")}; got "${mode}".` } })
  }
  const count = optionalPositive(request, "count") ?? 1
  const method = field(request, "method")
  simulator.failNext({ method, path: pathMatcher(path) }, count, knownMode)
  return json(200, { pending_failures: simulator.pendingFailures() })
}

async function clearFailures(simulator: StripeSimulator): Promise<DashboardAnswer> {
  simulator.clearFailures()
  return json(200, { pending_failures: 0 })
}

async function redirectPage(simulator: StripeSimulator, _request: DashboardRequest, id: string): Promise<DashboardAnswer> {
  const intent = simulator.paymentIntent(id)
  if (!intent) {
    return json(404, { error: { message: `No such payment_intent: '${id}'` } })
  }
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: renderRedirectPage(intent) }
}

async function redirectResult(
  simulator: StripeSimulator,
  request: DashboardRequest,
  id: string
): Promise<DashboardAnswer> {
  const result = field(request, "result")
  if (result !== "authorize" && result !== "fail") {
    return json(400, { error: { message: `result must be authorize or fail; got "${result ?? ""}".` } })
  }
  const returnUrl = simulator.paymentIntent(id)?.next_action?.redirect_to_url?.return_url
  const intent = result === "authorize" ? await simulator.succeedPending(id) : await simulator.failPending(id)
  if (!returnUrl) {
    return json(200, intent)
  }
  const target = new URL(returnUrl)
  target.searchParams.set("payment_intent", intent.id)
  target.searchParams.set("payment_intent_client_secret", intent.client_secret ?? "")
  target.searchParams.set("redirect_status", intent.status === "requires_payment_method" ? "failed" : "succeeded")
  return { status: 303, headers: { Location: target.toString() }, body: "" }
}

/** The newest events (optionally of one type), each with the attempts made to deliver it. */
function eventsWithDeliveries(simulator: StripeSimulator, limit: number, type?: string): EventSummary[] {
  return [...simulator.events]
    .reverse()
    .filter((event) => !type || event.type === type)
    .slice(0, limit)
    .map((event) => ({
      id: event.id,
      type: event.type,
      created: event.created,
      object_id: (event.data.object as { id?: string }).id ?? null,
      deliveries: simulator.deliveries
        .filter((delivery) => delivery.eventId === event.id)
        .map(({ url, status, attempt }) => ({ url, status, attempt })),
    }))
}

/** An event as the dashboard lists it. */
export interface EventSummary {
  id: string
  type: string
  created: number
  object_id: string | null
  deliveries: Array<{ url: string; status: number | "error"; attempt: number }>
}

function pathMatcher(path: string): string | RegExp {
  if (!path.includes("*")) {
    return path
  }
  const pattern = path
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+")
  return new RegExp(`^${pattern}$`)
}

function field(request: DashboardRequest, name: string): string | undefined {
  const value = request.fields[name] ?? request.query.get(name) ?? undefined
  return value === "" ? undefined : value
}

function optionalPositive(request: DashboardRequest, name: string): number | undefined {
  const value = field(request, name)
  if (value === undefined) {
    return undefined
  }
  if (!/^[1-9]\d*$/.test(value)) {
    throw new StripeApiError(400, {
      type: "invalid_request_error",
      message: `${name} must be a positive integer; got "${value}".`,
      param: name,
    })
  }
  return Number(value)
}

function limitOf(request: DashboardRequest): number {
  return Math.min(optionalPositive(request, "limit") ?? DEFAULT_LIST_LIMIT, 100)
}

function decodeFields(contentType: string, body: string): Record<string, string> {
  if (!body.trim()) {
    return {}
  }
  if (contentType.includes("application/json")) {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      throw new Error("The body is not valid JSON.")
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error("The JSON body must be an object.")
    }
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]))
  }
  return Object.fromEntries(new URLSearchParams(body))
}

function json(status: number, value: unknown): DashboardAnswer {
  return { status, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value, null, 2) }
}
