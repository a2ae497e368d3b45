import { WorkflowManager, WorkflowScheduler } from "@medusajs/framework/orchestration"
import type { Logger } from "@medusajs/framework/types"
import { PLUGIN_JOB_NAMES } from "./job-names"

/** How often a worker registers the plugin's job schedules again. */
export const SCHEDULE_REFRESH_MS = 30_000

/**
 * Registers again, with Medusa's own scheduler, the schedule of every plugin job loaded in this
 * process (worker processes load jobs, servers do not); returns how many it registered.
 *
 * Why: Medusa registers a job's schedule once, when a worker boots. With `workflow-engine-redis` the
 * schedule is a repeatable job kept in Redis, so a Redis that comes back empty (restarted without
 * persistence, a failover to a replica that was behind, keys evicted) forgets it, and the job never
 * runs again until a worker restarts: the rows whose `payment_webhook.received` was lost with Redis
 * would wait forever. Registering an existing schedule replaces it under the same key (Redis and
 * in-memory engines alike), so this never adds a second run per schedule.
 */
export async function registerJobSchedules(): Promise<number> {
  const scheduler = new WorkflowScheduler()
  let registered = 0
  for (const name of Object.values(PLUGIN_JOB_NAMES)) {
    const workflow = WorkflowManager.getWorkflow(`job-${name}`)
    if (workflow?.options?.schedule) {
      await scheduler.scheduleWorkflow(workflow)
      registered += 1
    }
  }
  return registered
}

/**
 * Calls `registerJobSchedules` every `SCHEDULE_REFRESH_MS` until the returned `stop` is called. A
 * failure (Redis still down) is logged at debug and tried again on the next tick. The timer does not
 * keep the process alive.
 */
export function keepJobSchedules(logger: Logger): () => void {
  const timer = setInterval(() => {
    registerJobSchedules().catch((error: unknown) =>
      logger.debug(`payment-webhook-job ${JSON.stringify({ status: "schedules_not_registered", error: (error as Error)?.message })}`)
    )
  }, SCHEDULE_REFRESH_MS)
  timer.unref()
  return () => clearInterval(timer)
}
