import { Badge, clx, Text } from "@medusajs/ui"
import { dotClass, formatDateTime, formatDuration, statusColor, statusLabel } from "../lib/format"
import type { PaymentWebhookAttempt } from "../lib/types"

const TRIGGERS: Record<PaymentWebhookAttempt["trigger"], string> = {
  automatic: "Automatic",
  replay: "Replay",
  forced_replay: "Forced replay",
}

/** The color of an attempt's result: processed green, dead red, failed orange, the rest grey. */
const resultColor = (result: string) => (result === "running" ? "blue" : result === "abandoned" || result === "lease_lost" ? "grey" : statusColor(result))

/**
 * A row's processing attempts, newest on top, as a timeline: result, when it started and ended (and
 * how long it took), the worker, what started it (and who asked), its error or outcome.
 */
export const AttemptTimeline = ({ attempts }: { attempts: PaymentWebhookAttempt[] }) => {
  if (!attempts.length) {
    return (
      <Text size="small" className="text-ui-fg-muted px-6 py-4">
        Not processed yet.
      </Text>
    )
  }
  const newestFirst = [...attempts].sort((a, b) => b.attempt - a.attempt)
  return (
    <ol className="flex flex-col px-6 py-4" data-testid="attempt-timeline">
      {newestFirst.map((attempt, index) => {
        const duration = formatDuration(attempt.started_at, attempt.ended_at)
        return (
          <li key={attempt.id} className="grid grid-cols-[20px_1fr] gap-x-2" data-testid="attempt" data-result={attempt.result}>
            <div className="flex flex-col items-center">
              <span className={clx("mt-1.5 size-2.5 shrink-0 rounded-full", dotClass(resultColor(attempt.result)))} />
              {index < newestFirst.length - 1 && <span className="bg-ui-border-strong my-1 w-px flex-1" />}
            </div>
            <div className="flex flex-col gap-y-1 pb-5">
              <div className="flex flex-wrap items-center gap-2">
                <Text size="small" leading="compact" weight="plus">
                  Attempt {attempt.attempt}: {statusLabel(attempt.result)}
                </Text>
                <Badge size="2xsmall" color={attempt.trigger === "automatic" ? "grey" : "blue"}>
                  {TRIGGERS[attempt.trigger] ?? attempt.trigger}
                </Badge>
              </div>
              <Text size="xsmall" leading="compact" className="text-ui-fg-subtle">
                {formatDateTime(attempt.started_at)}
                {attempt.ended_at ? ` → ${formatDateTime(attempt.ended_at)}` : " → running"}
                {duration ? ` (${duration})` : ""}
              </Text>
              <Text size="xsmall" leading="compact" className="text-ui-fg-muted">
                Worker {attempt.worker}
                {attempt.requested_by ? ` · requested by ${attempt.requested_by}` : ""}
              </Text>
              {attempt.error && (
                <Text size="xsmall" className="text-ui-fg-error whitespace-pre-wrap break-words font-mono">
                  {attempt.error}
                </Text>
              )}
              {attempt.outcome && (
                <Text size="xsmall" className="text-ui-fg-subtle whitespace-pre-wrap break-words">
                  {attempt.outcome}
                </Text>
              )}
            </div>
          </li>
        )
      })}
    </ol>
  )
}
