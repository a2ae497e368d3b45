/**
 * The simulators' background work (scheduled delivery attempts and requests in flight), counted so
 * that `idle()` can wait for all of it and `cancel()` can drop what has not started.
 */
export class PendingWork {
  private readonly timers = new Set<NodeJS.Timeout>()
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

  /** Counts one piece of work (a request in flight) as pending until `release()`. */
  hold(): void {
    this.pending += 1
  }

  /** Ends one piece of work counted by `hold()`. */
  release(): void {
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

  /** Stops scheduling and drops every scheduled task that has not started. */
  cancel(): void {
    this.stopped = true
    for (const timer of this.timers) {
      clearTimeout(timer)
      this.release()
    }
    this.timers.clear()
  }
}
