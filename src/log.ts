import type { Logger } from "@medusajs/framework/types"

/** Fields of one inbox-row state change; never a secret, a signature or card data. */
export interface WebhookStateLogFields {
  id: string
  provider_id: string
  status: string
  /** `reconciler` on the reconciler's lines. */
  source?: string
  event_type?: string | null
  action?: string | null
  session_id?: string | null
  attempts?: number
  deliveries?: number
  outcome?: string | null
  error?: string | null
  next_attempt_at?: Date | string | null
  /** On the claim of a replay: `replay` or `forced_replay`, and who asked. */
  trigger?: string
  requested_by?: string | null
}

/**
 * Logs one line per state change of an inbox row, as a JSON object behind a fixed prefix so it can
 * be grepped and parsed: `payment-webhook {"id":"pwhevt_...","status":"processed",...}`.
 */
export function logWebhookState(logger: Logger, fields: WebhookStateLogFields): void {
  const line = `payment-webhook ${JSON.stringify(fields)}`
  if (fields.status === "dead" || fields.status === "failed") {
    logger.warn(line)
    return
  }
  logger.info(line)
}

/** What Medusa passes a scheduled job besides the container: the run's slot of the schedule. */
export interface ScheduledJobContext {
  scheduledFor?: Date
}

/**
 * Logs one line per run of a scheduled job
 * (`payment-webhook-job {"job":"...","scheduled_for":"...","finished_at":"...",...}`), so an operator
 * can see that each schedule fires once across the cluster: at `info` when the run changed something,
 * at `debug` otherwise (the recovery job runs every few seconds).
 */
export function logJobRun(
  logger: Logger,
  job: string,
  context: ScheduledJobContext | undefined,
  summary: object,
  changedSomething: boolean
): void {
  const line = `payment-webhook-job ${JSON.stringify({
    job,
    scheduled_for: context?.scheduledFor?.toISOString() ?? null,
    finished_at: new Date().toISOString(),
    ...summary,
  })}`
  if (changedSomething) {
    logger.info(line)
    return
  }
  logger.debug(line)
}
