import type Stripe from "stripe"

/** The `error` member of every non-2xx answer, in the shape the Stripe API uses. */
export interface StripeErrorBody {
  type: "api_error" | "card_error" | "idempotency_error" | "invalid_request_error"
  message: string
  code?: string
  param?: string
  decline_code?: string
  doc_url?: string
  charge?: string
  payment_intent?: Stripe.PaymentIntent
  payment_method?: Stripe.PaymentMethod
}

/**
 * An API failure that the simulator answers as `{ error: body }` with `statusCode`. State changes made before it
 * was thrown stay (a declined card leaves a failed charge behind, as on Stripe).
 */
export class StripeApiError extends Error {
  /** Builds the error; `body.doc_url` is filled in from `body.code` when absent. */
  constructor(
    readonly statusCode: number,
    readonly body: StripeErrorBody
  ) {
    super(body.message)
    if (body.code && !body.doc_url) {
      body.doc_url = `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, "-")}`
    }
  }
}

/** 400 `invalid_request_error`, optionally with a code and the parameter at fault. */
export function invalidRequest(message: string, details: { code?: string; param?: string } = {}): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", message, ...details })
}

/** 404 `resource_missing`, worded like Stripe (`No such payment_intent: 'pi_123'`). */
export function resourceMissing(resource: string, id: string, param?: string): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${resource}: '${id}'`,
    param,
  })
}

/** 400 `payment_intent_unexpected_state`, carrying the intent as Stripe does so clients can read its status. */
export function unexpectedState(message: string, paymentIntent: Stripe.PaymentIntent): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "payment_intent_unexpected_state",
    message,
    payment_intent: structuredClone(paymentIntent),
  })
}
