import { HttpClientException, type Config } from "@adyen/api-library"
import type ClientInterface from "@adyen/api-library/lib/src/httpClient/clientInterface"
import type { IRequest } from "@adyen/api-library/lib/src/typings/requestOptions"

/** The Checkout API base the library builds its URLs on (TEST; LIVE is never used with an endpoint). */
const CHECKOUT_BASE = /^https:\/\/checkout-test\.adyen\.com\/v\d+/

/**
 * An HTTP client for `@adyen/api-library` that sends Checkout API calls to `endpoint` instead of
 * Adyen (an offline simulator; plain `http:` allowed, which the library's own client does not
 * speak). Authentication, idempotency keys and errors are those of the library's client: a non-2xx
 * answer rejects with the library's `HttpClientException` carrying Adyen's error body.
 */
export class EndpointClient implements ClientInterface {
  constructor(private readonly endpoint: string) {}

  /** Sends one API call; see `ClientInterface`. */
  async request(
    url: string,
    json: string | Buffer,
    config: Config,
    _isApiKeyRequired: boolean,
    requestOptions: IRequest.Options = {}
  ): Promise<string> {
    const target = new URL(url.replace(CHECKOUT_BASE, this.endpoint.replace(/\/$/, "")))
    new URLSearchParams(requestOptions.params as Record<string, string> | undefined).forEach((value, key) => target.searchParams.set(key, value))
    const method = requestOptions.method ?? "POST"
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-api-key": config.apiKey ?? "",
      ...(requestOptions.idempotencyKey && { "idempotency-key": requestOptions.idempotencyKey }),
    }
    const response = await fetch(target, {
      method,
      headers,
      body: method === "GET" ? undefined : json.toString(),
      signal: AbortSignal.timeout(config.connectionTimeoutMillis ?? 30_000),
    })
    const body = await response.text()
    if (response.ok) {
      return body
    }
    let apiError: { status?: number; errorCode?: string; message?: string } | undefined
    try {
      apiError = JSON.parse(body)
    } catch {
      apiError = undefined
    }
    throw new HttpClientException({
      message: `HTTP Exception: ${response.status}. ${apiError?.message ?? response.statusText}`,
      statusCode: response.status,
      errorCode: apiError?.errorCode,
      responseBody: body,
      apiError: apiError as HttpClientException["apiError"],
    })
  }
}
