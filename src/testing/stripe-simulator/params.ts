import type Stripe from "stripe"
import { invalidRequest } from "./errors"
import type { FormObject, FormValue } from "./form"

const METADATA_MAX_KEYS = 50
const METADATA_MAX_KEY_LENGTH = 40
const METADATA_MAX_VALUE_LENGTH = 500

/** Rejects a parameter the endpoint does not take, as Stripe does (`parameter_unknown`). */
export function assertKnownParams(params: FormObject, known: readonly string[]): void {
  const unknown = Object.keys(params).find((name) => !known.includes(name))
  if (unknown !== undefined) {
    throw invalidRequest(`Received unknown parameter: ${unknown}`, { code: "parameter_unknown", param: unknown })
  }
}

/** A string parameter, or undefined when absent. */
export function optionalString(params: FormObject, name: string): string | undefined {
  const value = params[name]
  if (value === undefined || typeof value === "string") {
    return value
  }
  throw invalidRequest(`Invalid string: ${describe(value)}`, { code: "parameter_invalid_string", param: name })
}

/** A string parameter that must be present and non-empty. */
export function requiredString(params: FormObject, name: string): string {
  const value = optionalString(params, name)
  if (!value) {
    throw missing(name)
  }
  return value
}

/** An integer parameter (amounts are integers in the currency's smallest unit), or undefined when absent. */
export function optionalInteger(params: FormObject, name: string): number | undefined {
  const value = optionalString(params, name)
  if (value === undefined) {
    return undefined
  }
  if (!/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${value}`, { code: "parameter_invalid_integer", param: name })
  }
  return Number(value)
}

/** An amount in the smallest currency unit: a present integer of at least 1. */
export function requiredAmount(params: FormObject, name: string): number {
  const value = optionalInteger(params, name)
  if (value === undefined) {
    throw missing(name)
  }
  return positive(value, name)
}

/** An amount that may be absent; when given it must be an integer of at least 1. */
export function optionalAmount(params: FormObject, name: string): number | undefined {
  const value = optionalInteger(params, name)
  return value === undefined ? undefined : positive(value, name)
}

/** A boolean parameter (`true` / `false`), or undefined when absent. */
export function optionalBoolean(params: FormObject, name: string): boolean | undefined {
  const value = optionalString(params, name)
  if (value === undefined) {
    return undefined
  }
  if (value !== "true" && value !== "false") {
    throw invalidRequest(`Invalid boolean: ${value}`, { param: name })
  }
  return value === "true"
}

/** A parameter restricted to a set of values, or undefined when absent. */
export function optionalEnum<T extends string>(params: FormObject, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(params, name)
  if (value === undefined) {
    return undefined
  }
  const match = allowed.find((candidate) => candidate === value)
  if (match === undefined) {
    throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(", ")}`, { param: name })
  }
  return match
}

/** A three-letter ISO currency code, lower-cased as Stripe returns it. */
export function requiredCurrency(params: FormObject, name: string): string {
  const value = requiredString(params, name)
  if (!/^[a-z]{3}$/i.test(value)) {
    throw invalidRequest(`Invalid currency: ${value}.`, { param: name })
  }
  return value.toLowerCase()
}

/** An array of strings (`name[0]=a&name[1]=b` or `name[]=a`), or undefined when absent. */
export function optionalStringArray(params: FormObject, name: string): string[] | undefined {
  const value = params[name]
  if (value === undefined) {
    return undefined
  }
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw invalidRequest(`Invalid array: ${describe(value)}`, { param: name })
  }
  return value as string[]
}

/** A nested object parameter (`name[key]=value`), or undefined when absent. */
export function optionalObject(params: FormObject, name: string): FormObject | undefined {
  const value = params[name]
  if (value === undefined) {
    return undefined
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidRequest(`Invalid object: ${describe(value)}`, { param: name })
  }
  return value
}

/** The `expand[]` paths of a request. */
export function expandPaths(params: FormObject): string[] {
  return optionalStringArray(params, "expand") ?? []
}

/**
 * Applies a `metadata` parameter to existing metadata the way Stripe does: keys are merged, a key set to `""` is
 * removed, `metadata=""` clears everything; Stripe's limits (50 keys, 40-char keys, 500-char values) are enforced.
 */
export function applyMetadata(current: Stripe.Metadata, params: FormObject, name = "metadata"): Stripe.Metadata {
  const value = params[name]
  if (value === undefined) {
    return current
  }
  if (value === "") {
    return {}
  }
  const updates = optionalObject(params, name) ?? {}
  const merged: Stripe.Metadata = { ...current }
  for (const [key, entry] of Object.entries(updates)) {
    if (typeof entry !== "string") {
      throw invalidRequest(`Invalid value for metadata[${key}]: metadata values must be strings.`, { param: name })
    }
    if (key.length > METADATA_MAX_KEY_LENGTH || entry.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidRequest(
        `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters and values up to ` +
          `${METADATA_MAX_VALUE_LENGTH} characters (key '${key}').`,
        { param: `${name}[${key}]` }
      )
    }
    if (entry === "") {
      delete merged[key]
    } else {
      merged[key] = entry
    }
  }
  if (Object.keys(merged).length > METADATA_MAX_KEYS) {
    throw invalidRequest(`Metadata can have up to ${METADATA_MAX_KEYS} keys.`, { param: name })
  }
  return merged
}

function positive(value: number, name: string): number {
  if (value < 1) {
    throw invalidRequest(`This value must be greater than or equal to 1.`, {
      code: "parameter_invalid_integer",
      param: name,
    })
  }
  return value
}

function missing(name: string) {
  return invalidRequest(`Missing required param: ${name}.`, { code: "parameter_missing", param: name })
}

function describe(value: FormValue): string {
  return typeof value === "string" ? value : JSON.stringify(value)
}
