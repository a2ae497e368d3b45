import type http from "node:http"

/** How a delivery attempt ended: the endpoint's HTTP status, or `error` (refused, reset, timed out). */
export type DeliveryStatus = number | "error"

/**
 * The simulators' background work (scheduled delivery attempts and requests in flight), counted so
 * that `idle()` can wait for all of it and `cancel()` can drop what has not started.
 */
export class PendingWork {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly requests = new Set<http.ClientRequest>()
  private pending = 0
  private idleWaiters: Array<() => void> = []
  /** Set by `cancel()`: nothing is scheduled any more. */
  stopped = false

  /** Runs `task` after `delayMs`, counted as pending until it returns; does nothing once stopped. */
  schedule(delayMs: number, task: () => void): void {
    if (this.stopped) {
      return
    }
    this.pending += 1
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      try {
        task()
      } finally {
        this.release()
      }
    }, delayMs)
    this.timers.add(timer)
  }

  /**
   * Sends `body` on `request` (a POST the caller built, with its timeout), counted as pending until it
   * closes; then `onClose` gets the status - unless `cancel()` came first, which aborts it.
   */
  send(request: http.ClientRequest, body: string, onClose: (status: DeliveryStatus) => void): void {
    let status: DeliveryStatus = "error"
    this.pending += 1
    this.requests.add(request)
    request.on("response", (response) => {
      status = response.statusCode ?? "error"
      response.resume()
    })
    request.on("timeout", () => request.destroy())
    request.on("error", () => {
      status = "error"
    })
    request.on("close", () => {
      this.requests.delete(request)
      try {
        if (!this.stopped) {
          onClose(status)
        }
      } finally {
        this.release()
      }
    })
    request.end(body)
  }

  private release(): void {
    this.pending -= 1
    if (this.pending === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      waiters.forEach((resolve) => resolve())
    }
  }

  /** Resolves once nothing is scheduled or held. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Stops scheduling, drops every scheduled task that has not started and aborts requests in flight. */
  cancel(): void {
    this.stopped = true
    for (const timer of this.timers) {
      clearTimeout(timer)
      this.release()
    }
    this.timers.clear()
    for (const request of this.requests) {
      request.destroy()
    }
  }
}
