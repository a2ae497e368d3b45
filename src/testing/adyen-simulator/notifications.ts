import http from "node:http"
import { hmacValidator, Types } from "@adyen/api-library"
import { PendingWork } from "../pending-work"

/** A notification item as Adyen sends it (the library's type, so a wrong field fails to compile). */
export type NotificationRequestItem = Types.notification.NotificationRequestItem
/** A notification request body: `live` and the batch of items. */
export type NotificationRequest = Types.notification.Notification

/** Adyen's event codes (the library's enum). */
export const EventCode = Types.notification.NotificationRequestItem.EventCodeEnum
/** An Adyen event code. */
export type EventCode = Types.notification.NotificationRequestItem.EventCodeEnum

/** A URL that receives notifications, and the hex HMAC key their items are signed with. */
export type AdyenWebhookEndpoint = { url: string; hmacKey: string }

/** How notifications reach the endpoints; see `DEFAULT_NOTIFICATION_DELIVERY` for the defaults. */
export type NotificationDeliveryOptions = {
  /** Send every request twice, concurrently (Adyen delivers at least once). */
  duplicate?: boolean
  /** Collect items for `batchWindowMs` and send them in one request, each signed on its own. */
  batch?: boolean
  /** Deliver the requests collected in a window in random order. */
  shuffle?: boolean
  /** How long items are collected with `batch` or `shuffle`. */
  batchWindowMs?: number
  /** After a failed attempt (non-2xx or network error), wait `retryDelaysMs[n]` before attempt n + 2; then give up. */
  retryDelaysMs?: number[]
}

/** One attempt to deliver one request to one endpoint. */
export type NotificationDeliveryRecord = {
  eventIds: string[]
  url: string
  status: number | "error"
  attempt: number
}

/** Delivery settings when none are given. */
export const DEFAULT_NOTIFICATION_DELIVERY: Required<NotificationDeliveryOptions> = {
  duplicate: false,
  batch: false,
  shuffle: false,
  batchWindowMs: 100,
  retryDelaysMs: [200, 1000, 5000],
}

const ATTEMPT_TIMEOUT_MS = 10_000

/** The fields of an item before it is signed; `additionalData` is optional. */
export type UnsignedItem = Omit<NotificationRequestItem, "additionalData"> & {
  additionalData?: NotificationRequestItem["additionalData"]
}

/** Signs an item with the library's own HMAC calculation: `additionalData.hmacSignature`. */
export function signNotificationItem(item: UnsignedItem, hmacKey: string): NotificationRequestItem {
  const signature = new hmacValidator().calculateHmac(item as NotificationRequestItem, hmacKey)
  return { ...item, additionalData: { ...item.additionalData, hmacSignature: signature } }
}

/** The request body of a batch of signed items, as Adyen posts it. */
export function notificationRequestBody(items: NotificationRequestItem[], live = false): NotificationRequest {
  return { live: String(live), notificationItems: items.map((item) => ({ NotificationRequestItem: item })) }
}

/** The id the plugin's Adyen provider gives an item (event code, pspReference, success). */
export const itemEventId = (item: UnsignedItem) => `${item.eventCode}:${item.pspReference}:${item.success}`

/**
 * Delivers notification items in the background: one request per item, or batches, signed per
 * endpoint, retried on failure, optionally duplicated or shuffled. `idle()` waits for all of it.
 */
export class NotificationDispatcher {
  private options: Required<NotificationDeliveryOptions> = DEFAULT_NOTIFICATION_DELIVERY
  private buffered: UnsignedItem[][] = []
  private readonly work = new PendingWork()
  private held = false

  /** `endpoints` is read at delivery time; `record` is told about every finished attempt. */
  constructor(
    private readonly endpoints: () => AdyenWebhookEndpoint[],
    private readonly record: (delivery: NotificationDeliveryRecord) => void
  ) {}

  /** Replaces the delivery settings; fields left out take their default. */
  configure(options: NotificationDeliveryOptions): void {
    this.options = { ...DEFAULT_NOTIFICATION_DELIVERY, ...options }
  }

  /** Queues items as one request (a batch when several are given) and returns at once. */
  dispatch(items: UnsignedItem[]): void {
    if (this.held) {
      this.buffered.push(items)
      return
    }
    if (!this.options.batch && !this.options.shuffle) {
      this.deliver(items)
      return
    }
    if (this.buffered.length === 0) {
      this.work.schedule(this.options.batchWindowMs, () => this.flush())
    }
    this.buffered.push(items)
  }

  /** Keeps every item dispatched from now on until `resume()`, whatever the window. */
  hold(): void {
    this.held = true
  }

  /** Sends what `hold()` kept, through the delivery settings (one batch with `batch`, shuffled with `shuffle`). */
  resume(): void {
    this.held = false
    this.flush()
  }

  /** Resolves once nothing is buffered (except while held), scheduled or in flight. */
  idle(): Promise<void> {
    return this.work.idle()
  }

  /** Cancels scheduled attempts and aborts those in flight; later `dispatch` calls do nothing. */
  async stop(): Promise<void> {
    this.work.cancel()
    this.buffered = []
    await this.idle()
  }

  private flush(): void {
    const groups = this.buffered
    this.buffered = []
    if (this.options.shuffle) {
      for (let i = groups.length - 1; i > 0; i -= 1) {
        const j = Math.floor(Math.random() * (i + 1))
        ;[groups[i], groups[j]] = [groups[j], groups[i]]
      }
    }
    if (this.options.batch) {
      this.deliver(groups.flat())
    } else {
      groups.forEach((items) => this.deliver(items))
    }
  }

  private deliver(items: UnsignedItem[]): void {
    const copies = this.options.duplicate ? 2 : 1
    for (const endpoint of this.endpoints()) {
      const body = JSON.stringify(notificationRequestBody(items.map((item) => signNotificationItem(item, endpoint.hmacKey))))
      for (let copy = 0; copy < copies; copy += 1) {
        this.work.schedule(0, () => this.attempt(items.map(itemEventId), body, endpoint.url, 1))
      }
    }
  }

  private attempt(eventIds: string[], body: string, url: string, attempt: number): void {
    const request = http.request(new URL(url), {
      method: "POST",
      agent: false,
      timeout: ATTEMPT_TIMEOUT_MS,
      headers: {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        "User-Agent": "Adyen HttpClient 1.0",
      },
    })
    this.work.send(request, body, (status) => {
      this.record({ eventIds, url, status, attempt })
      const delay = this.options.retryDelaysMs[attempt - 1]
      if ((status === "error" || status < 200 || status >= 300) && delay !== undefined) {
        this.work.schedule(delay, () => this.attempt(eventIds, body, url, attempt + 1))
      }
    })
  }

}
