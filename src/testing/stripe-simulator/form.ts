import { invalidRequest } from "./errors"

/** A decoded form value: a string, or objects and arrays nested by bracket notation. */
export type FormValue = string | FormValue[] | FormObject

/** The decoded parameters of one request. */
export interface FormObject {
  [key: string]: FormValue
}

interface Branch {
  children: Map<string, Branch | string>
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/

/**
 * Decodes an `application/x-www-form-urlencoded` body (or query string) written in Stripe's bracket notation:
 * `metadata[session_id]=x` nests objects, `payment_method_types[0]=card` and `expand[]=latest_charge` build arrays
 * (ordered by index), and any depth combines the two (`items[0][price]=p`). A key used both as a value and as a
 * container is rejected with a 400, as Stripe does.
 */
export function decodeForm(encoded: string): FormObject {
  const root: Branch = { children: new Map() }
  for (const [key, value] of new URLSearchParams(encoded)) {
    insert(root, splitKey(key), value, key)
  }
  return toObject(root)
}

function splitKey(key: string): string[] {
  const open = key.indexOf("[")
  if (open <= 0 || !key.endsWith("]")) {
    return [key]
  }
  const inner = key.slice(open + 1, -1).split("][")
  if (inner.some((segment) => segment.includes("[") || segment.includes("]"))) {
    return [key]
  }
  return [key.slice(0, open), ...inner]
}

function insert(branch: Branch, segments: string[], value: string, fullKey: string): void {
  const [head, ...rest] = segments
  const name = head === "" ? nextIndex(branch) : head
  if (rest.length === 0) {
    if (typeof (branch.children.get(name) ?? "") !== "string") {
      throw invalidRequest(`Invalid value for ${fullKey}: it is also used as an object or array.`, { param: fullKey })
    }
    branch.children.set(name, value)
    return
  }
  const existing = branch.children.get(name) ?? { children: new Map() }
  if (typeof existing === "string") {
    throw invalidRequest(`Invalid value for ${fullKey}: its parent is also given as a plain value.`, { param: fullKey })
  }
  branch.children.set(name, existing)
  insert(existing, rest, value, fullKey)
}

function nextIndex(branch: Branch): string {
  let index = branch.children.size
  while (branch.children.has(String(index))) {
    index += 1
  }
  return String(index)
}

function toValue(node: Branch | string): FormValue {
  if (typeof node === "string") {
    return node
  }
  const keys = [...node.children.keys()]
  if (keys.every((key) => ARRAY_INDEX.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => toValue(node.children.get(String(index)) as Branch | string))
  }
  return toObject(node)
}

function toObject(branch: Branch): FormObject {
  // Object.fromEntries defines own properties, so a key such as `__proto__` cannot reach a prototype.
  return Object.fromEntries([...branch.children].map(([key, child]) => [key, toValue(child)]))
}
