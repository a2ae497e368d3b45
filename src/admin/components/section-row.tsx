import { Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/** One fact of a detail section: its name on the left, its value on the right. */
export const SectionRow = ({ title, value }: { title: string; value?: ReactNode }) => (
  <div className="text-ui-fg-subtle grid grid-cols-2 items-center px-6 py-4">
    <Text size="small" weight="plus" leading="compact">
      {title}
    </Text>
    <div className="min-w-0 break-words">
      {value === null || value === undefined || value === "" ? (
        <Text size="small" leading="compact">
          -
        </Text>
      ) : typeof value === "string" || typeof value === "number" ? (
        <Text size="small" leading="compact">
          {value}
        </Text>
      ) : (
        value
      )}
    </div>
  </div>
)
