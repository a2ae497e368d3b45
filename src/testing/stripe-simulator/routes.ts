import { invalidRequest, StripeApiError } from "./errors"
import type { FormObject } from "./form"
import { assertKnownParams, expandPaths } from "./params"
import type { EventOrigin, ResourceName, StripeState } from "./state"

/** One API request as the routes see it: the ids captured from the path, the decoded parameters, the origin. */
interface ApiCall {
  ids: string[]
  params: FormObject
  origin: EventOrigin
}

interface Route {
  method: "GET" | "POST" | "DELETE"
  pattern: RegExp
  handle: (state: StripeState, call: ApiCall) => object
}

const ID = "([^/]+)"

function route(method: Route["method"], path: string, handle: Route["handle"]): Route {
  return { method, pattern: new RegExp(`^${path}$`), handle }
}

function retrieve(resource: ResourceName): Route["handle"] {
  return (state, { ids, params }) => {
    assertKnownParams(params, ["expand"])
    return state.retrieve(resource, ids[0])
  }
}

/** The Stripe API surface the simulator serves. */
const ROUTES: Route[] = [
  route("POST", "/v1/payment_intents", (state, { params, origin }) => state.createPaymentIntent(params, origin)),
  route("GET", "/v1/payment_intents", (state, { params }) => state.listPaymentIntents(params)),
  route("GET", "/v1/payment_intents/search", () => {
    throw invalidRequest(
      "Search (GET /v1/payment_intents/search) is not supported by the Stripe simulator. List with " +
        "GET /v1/payment_intents (customer filter) or retrieve by id instead.",
      { code: "simulator_unsupported" }
    )
  }),
  route("GET", `/v1/payment_intents/${ID}`, retrieve("payment_intent")),
  route("POST", `/v1/payment_intents/${ID}`, (state, { ids, params }) => state.updatePaymentIntent(ids[0], params)),
  route("POST", `/v1/payment_intents/${ID}/confirm`, (state, { ids, params, origin }) =>
    state.confirmPaymentIntent(ids[0], params, origin)
  ),
  route("POST", `/v1/payment_intents/${ID}/capture`, (state, { ids, params, origin }) =>
    state.capturePaymentIntent(ids[0], params, origin)
  ),
  route("POST", `/v1/payment_intents/${ID}/cancel`, (state, { ids, params, origin }) =>
    state.cancelPaymentIntent(ids[0], params, origin)
  ),
  route("POST", "/v1/refunds", (state, { params, origin }) => state.createRefund(params, origin)),
  route("GET", "/v1/refunds", (state, { params }) => state.listRefunds(params)),
  route("GET", `/v1/refunds/${ID}`, retrieve("refund")),
  route("GET", "/v1/charges", (state, { params }) => state.listCharges(params)),
  route("GET", `/v1/charges/${ID}`, retrieve("charge")),
  route("GET", "/v1/disputes", (state, { params }) => state.listDisputes(params)),
  route("GET", `/v1/disputes/${ID}`, retrieve("dispute")),
  route("POST", `/v1/disputes/${ID}`, (state, { ids, params, origin }) =>
    state.updateDisputeFromApi(ids[0], params, origin)
  ),
  route("POST", `/v1/disputes/${ID}/close`, (state, { ids, params, origin }) =>
    state.closeDispute(ids[0], params, origin)
  ),
  route("GET", "/v1/events", (state, { params }) => state.listEvents(params)),
  route("GET", `/v1/events/${ID}`, retrieve("event")),
  route("GET", `/v1/payment_methods/${ID}`, retrieve("payment_method")),
  route("GET", `/v1/balance_transactions/${ID}`, retrieve("balance_transaction")),
  route("POST", "/v1/customers", (state, { params, origin }) => state.createCustomer(params, origin)),
  route("GET", `/v1/customers/${ID}`, retrieve("customer")),
  route("POST", `/v1/customers/${ID}`, (state, { ids, params, origin }) =>
    state.updateCustomer(ids[0], params, origin)
  ),
  route("DELETE", `/v1/customers/${ID}`, (state, { ids, params, origin }) => {
    assertKnownParams(params, [])
    return state.deleteCustomer(ids[0], origin)
  }),
  route("GET", `/v1/customers/${ID}/payment_methods`, (state, { ids, params }) =>
    state.listCustomerPaymentMethods(ids[0], params)
  ),
]

/**
 * Serves one API request against `state`: the matching route's result, with `expand[]` applied. Throws a
 * `StripeApiError` for API failures, including Stripe's 404 for a URL it does not know.
 */
export function handleApiCall(
  state: StripeState,
  method: string,
  path: string,
  params: FormObject,
  origin: EventOrigin
): object {
  for (const candidate of ROUTES) {
    const match = candidate.method === method ? candidate.pattern.exec(path) : null
    if (match) {
      const ids = match.slice(1).map((segment) => decodeURIComponent(segment))
      return state.render(candidate.handle(state, { ids, params, origin }), expandPaths(params))
    }
  }
  throw new StripeApiError(404, {
    type: "invalid_request_error",
    message:
      `Unrecognized request URL (${method}: ${path}). ` +
      "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
  })
}
