import { Text } from "@medusajs/ui"

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const Scalar = ({ value }: { value: Json }) => {
  if (value === null) {
    return <span className="text-ui-fg-muted">null</span>
  }
  if (typeof value === "string") {
    return <span className="text-ui-tag-green-text break-all">"{value}"</span>
  }
  return <span className="text-ui-tag-blue-text">{String(value)}</span>
}

/** A JSON value as a tree whose objects and arrays fold; the first `openDepth` levels start open. */
const Node = ({ name, value, depth, openDepth }: { name?: string; value: Json; depth: number; openDepth: number }) => {
  const label = name !== undefined ? <span className="text-ui-fg-subtle">{name}: </span> : null
  if (value === null || typeof value !== "object") {
    return (
      <div className="pl-4">
        {label}
        <Scalar value={value} />
      </div>
    )
  }
  const entries: [string, Json][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value)
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`
  return (
    <details open={depth < openDepth} className="pl-4">
      <summary className="cursor-pointer select-none">
        {label}
        <span className="text-ui-fg-muted">{summary}</span>
      </summary>
      {entries.map(([key, item]) => (
        <Node key={key} name={key} value={item} depth={depth + 1} openDepth={openDepth} />
      ))}
    </details>
  )
}

/** A collapsible view of a JSON document (the payload of a webhook as the API returns it). */
export const JsonTree = ({ value, openDepth = 2 }: { value: unknown; openDepth?: number }) =>
  value === undefined ? (
    <Text size="small" className="text-ui-fg-muted">
      No payload stored.
    </Text>
  ) : (
    <div className="font-mono txt-compact-xsmall -ml-4 overflow-x-auto" data-testid="payload">
      <Node value={value as Json} depth={0} openDepth={openDepth} />
    </div>
  )
