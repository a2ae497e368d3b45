import Stripe from "stripe"
import { currentProcessingLease } from "../../processing/lease"

/**
 * The SDK's Node HTTP client, fenced: a request made while a worker processes an inbox row it no longer
 * holds (`currentProcessingLease()` exists and is not `held`) is refused before it goes out, so a worker
 * that was frozen or overtaken moves no money. The check runs on every attempt, the SDK's own retries
 * included. The refusal is the lease's `LeaseLostError`; the SDK reports it as a `StripeConnectionError`
 * carrying it in `detail` (`toMedusaError` unwraps it). Outside processing, requests go out as usual.
 */
export function createFencedHttpClient(inner: Stripe.HttpClient = Stripe.createNodeHttpClient()): Stripe.HttpClient {
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: (...request: Parameters<Stripe.HttpClient["makeRequest"]>) => {
      try {
        currentProcessingLease()?.assertHeld()
      } catch (refusal) {
        // Rejected, not thrown: the SDK calls this inside a promise chain that would swallow a throw
        // and never answer the caller.
        return Promise.reject(refusal)
      }
      return inner.makeRequest(...request)
    },
  }
}
