/** The `type` values of the webhook endpoint's JSON error bodies (the README's "What the endpoint answers"). */
export type WebhookErrorType =
  | "unknown_provider"
  | "invalid_signature"
  | "invalid_payload"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unavailable"

const STATUS_BY_TYPE: Record<WebhookErrorType, number> = {
  unknown_provider: 404,
  invalid_signature: 400,
  invalid_payload: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
}

/**
 * A refusal of a webhook delivery that maps to one HTTP status and a JSON body
 * `{ type, message }`. Nothing has been stored when one is thrown.
 */
export class WebhookHttpError extends Error {
  readonly status: number

  constructor(readonly type: WebhookErrorType, message: string) {
    super(message)
    this.name = "WebhookHttpError"
    this.status = STATUS_BY_TYPE[type]
  }

  /** The response body: never a stack, never a secret. */
  toJSON(): { type: WebhookErrorType; message: string } {
    return { type: this.type, message: this.message }
  }
}
