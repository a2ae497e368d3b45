import { FetchError } from "@medusajs/js-sdk"
import { Button, Text, toast, usePrompt } from "@medusajs/ui"
import { useState } from "react"
import { replayOutcome, replayPlan } from "../lib/format"
import { useReplayPaymentWebhook } from "../lib/queries"
import type { PaymentWebhook } from "../lib/types"

/**
 * Replays the row now. A processed or ignored row is replayed by force, after a confirmation; the
 * outcome is a toast. When the API refuses (400, e.g. a purchase whose money was given back), the
 * button stays disabled with the API's reason until the row changes.
 */
export const ReplayButton = ({ row }: { row: PaymentWebhook }) => {
  const prompt = usePrompt()
  const replay = useReplayPaymentWebhook(row.id)
  const [refusal, setRefusal] = useState<{ version: string; message: string } | null>(null)
  const version = `${row.status}:${row.updated_at}`
  const plan = replayPlan(row.status)
  const refused = refusal?.version === version ? refusal.message : null
  const reason = !plan.allowed ? plan.reason : refused

  const onClick = async () => {
    if (!plan.allowed) {
      return
    }
    if (plan.confirm) {
      const confirmed = await prompt({
        title: `Replay a ${row.status} webhook?`,
        description:
          "It is processed again under the same rules: an order that exists is not made again and a capture Medusa recorded is not repeated.",
        confirmText: "Replay",
        cancelText: "Cancel",
        variant: "confirmation",
      })
      if (!confirmed) {
        return
      }
    }
    try {
      const { result, payment_webhook } = await replay.mutateAsync(plan.force ? { force: true } : {})
      const { kind, message } = replayOutcome(result, payment_webhook)
      toast[kind](message)
    } catch (error) {
      const message = error instanceof Error ? error.message : "The replay could not be started."
      if (error instanceof FetchError && error.status === 400) {
        setRefusal({ version, message })
      }
      toast.error(message)
    }
  }

  return (
    <div className="flex flex-col items-end gap-y-1">
      <Button size="small" variant="secondary" onClick={onClick} isLoading={replay.isPending} disabled={!!reason} data-testid="replay-button">
        {plan.allowed && plan.force ? "Force replay" : "Replay"}
      </Button>
      {reason && (
        <Text size="xsmall" className="text-ui-fg-subtle max-w-[260px] text-right" data-testid="replay-refused">
          {reason}
        </Text>
      )}
    </div>
  )
}
