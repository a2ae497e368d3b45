import path from "node:path"
import ts from "typescript"

/** The `Stripe.*` types a value can be checked against. */
export type StripeTypeName =
  | "PaymentIntent"
  | "Charge"
  | "Refund"
  | "Dispute"
  | "Customer"
  | "DeletedCustomer"
  | "PaymentMethod"
  | "BalanceTransaction"
  | "Event"
  | "ApiList<Stripe.PaymentIntent>"
  | "ApiList<Stripe.Charge>"
  | "ApiList<Stripe.Refund>"
  | "ApiList<Stripe.Dispute>"
  | "ApiList<Stripe.Event>"
  | "ApiList<Stripe.PaymentMethod>"

const NAMES: StripeTypeName[] = [
  "PaymentIntent",
  "Charge",
  "Refund",
  "Dispute",
  "Customer",
  "DeletedCustomer",
  "PaymentMethod",
  "BalanceTransaction",
  "Event",
  "ApiList<Stripe.PaymentIntent>",
  "ApiList<Stripe.Charge>",
  "ApiList<Stripe.Refund>",
  "ApiList<Stripe.Dispute>",
  "ApiList<Stripe.Event>",
  "ApiList<Stripe.PaymentMethod>",
]

const MAX_REPORTED = 20

/**
 * A schema checker built from the installed `stripe` SDK's own type definitions, read by the TypeScript compiler:
 * `check(value, "Charge")` lists where a JSON value breaks `Stripe.Charge` - a required field missing, a field the
 * type does not have, a value of the wrong type or outside an enum - recursively, through expansions and unions.
 */
export class StripeTypeChecker {
  private readonly checker: ts.TypeChecker
  private readonly types = new Map<StripeTypeName, ts.Type>()

  constructor() {
    const file = path.join(__dirname, "__stripe_types__.ts")
    const source = [
      'import Stripe from "stripe"',
      `export type Checked = { ${NAMES.map((name, index) => `t${index}: Stripe.${name}`).join("; ")} }`,
    ].join("\n")
    const options: ts.CompilerOptions = { strict: true, module: ts.ModuleKind.CommonJS, esModuleInterop: true, noEmit: true }
    const host = ts.createCompilerHost(options)
    const readFile = host.readFile.bind(host)
    const fileExists = host.fileExists.bind(host)
    host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name))
    host.fileExists = (name) => path.resolve(name) === file || fileExists(name)
    const program = ts.createProgram([file], options, host)
    this.checker = program.getTypeChecker()
    const sourceFile = program.getSourceFile(file)
    const alias = sourceFile?.statements.find(ts.isTypeAliasDeclaration)
    if (!alias) {
      throw new Error("Could not read the stripe SDK's types")
    }
    const checked = this.checker.getTypeAtLocation(alias.name)
    NAMES.forEach((name, index) => {
      const property = checked.getProperty(`t${index}`)
      if (!property) {
        throw new Error(`Stripe.${name} not found`)
      }
      const type = this.checker.getTypeOfSymbol(property)
      if (type.flags & ts.TypeFlags.Any) {
        throw new Error(`Stripe.${name} resolved to any: the stripe types were not found`)
      }
      this.types.set(name, type)
    })
  }

  /** Where `value` breaks `Stripe.<name>`; empty when it conforms. */
  check(value: unknown, name: StripeTypeName): string[] {
    return this.errors(value, this.types.get(name)!, name).slice(0, MAX_REPORTED)
  }

  private errors(value: unknown, type: ts.Type, at: string): string[] {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      return []
    }
    if (type.isUnion()) {
      return this.unionErrors(value, type, at)
    }
    if (type.isStringLiteral() || type.isNumberLiteral()) {
      return value === type.value ? [] : [`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(type.value)}`]
    }
    if (type.flags & ts.TypeFlags.BooleanLiteral) {
      const expected = this.checker.typeToString(type) === "true"
      return value === expected ? [] : [`${at}: ${JSON.stringify(value)} is not ${expected}`]
    }
    const primitive = primitiveName(type)
    if (primitive) {
      const actual = value === null ? "null" : typeof value
      return actual === primitive ? [] : [`${at}: ${JSON.stringify(value)} is not a ${primitive}`]
    }
    if (this.checker.isArrayType(type)) {
      if (!Array.isArray(value)) {
        return [`${at}: not an array`]
      }
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference)
      return value.flatMap((item, index) => this.errors(item, element, `${at}[${index}]`))
    }
    if (type.flags & ts.TypeFlags.Object) {
      return this.objectErrors(value, type, at)
    }
    return []
  }

  private unionErrors(value: unknown, type: ts.UnionType, at: string): string[] {
    const candidates = type.types.filter((member) => this.discriminantsMatch(value, member))
    let best: string[] | undefined
    for (const member of candidates) {
      const errors = this.errors(value, member, at)
      if (errors.length === 0) {
        return []
      }
      const structured = (member.flags & ts.TypeFlags.Object) !== 0
      if (structured && (!best || errors.length < best.length)) {
        best = errors
      }
    }
    return best ?? [`${at}: ${JSON.stringify(value)?.slice(0, 80)} is none of ${this.checker.typeToString(type).slice(0, 200)}`]
  }

  /** False when an object member's literal-typed field (`object`, `type`) rules the value out at once. */
  private discriminantsMatch(value: unknown, member: ts.Type): boolean {
    if (!(member.flags & ts.TypeFlags.Object) || this.checker.isArrayType(member)) {
      return true
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      return false
    }
    return member.getProperties().every((property) => {
      const declared = this.checker.getTypeOfSymbol(property)
      const actual = (value as Record<string, unknown>)[property.name]
      return !declared.isStringLiteral() || actual === undefined || actual === declared.value
    })
  }

  private objectErrors(value: unknown, type: ts.Type, at: string): string[] {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      return [`${at}: ${JSON.stringify(value)} is not an object`]
    }
    const record = value as Record<string, unknown>
    const indexType = this.checker.getIndexInfoOfType(type, ts.IndexKind.String)?.type
    const properties = type.getProperties()
    const errors: string[] = []
    for (const property of properties) {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0
      if (!(property.name in record)) {
        if (!optional) {
          errors.push(`${at}.${property.name}: required, missing`)
        }
        continue
      }
      errors.push(...this.errors(record[property.name], this.checker.getTypeOfSymbol(property), `${at}.${property.name}`))
    }
    const known = new Set(properties.map((property) => property.name))
    for (const [key, entry] of Object.entries(record)) {
      if (known.has(key)) {
        continue
      }
      if (indexType) {
        errors.push(...this.errors(entry, indexType, `${at}.${key}`))
      } else {
        errors.push(`${at}.${key}: not a field of ${this.checker.typeToString(type).slice(0, 60)}`)
      }
    }
    return errors
  }
}

function primitiveName(type: ts.Type): string | undefined {
  if (type.flags & ts.TypeFlags.String) return "string"
  if (type.flags & ts.TypeFlags.Number) return "number"
  if (type.flags & ts.TypeFlags.Boolean) return "boolean"
  if (type.flags & ts.TypeFlags.Null) return "null"
  if (type.flags & ts.TypeFlags.Undefined) return "undefined"
  return undefined
}
