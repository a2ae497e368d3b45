import { createHmac, timingSafeEqual } from "node:crypto"
import { invalidSignature } from "./errors"

/**
 * Compares two signatures in constant time (for their length): a plain `===` stops at the first
 * differing character, which lets an attacker find a valid signature byte by byte. Strings of
 * different lengths are unequal; a missing value is never equal.
 */
export function constantTimeEqual(expected: string | Buffer, received: string | Buffer | null | undefined): boolean {
  if (received === null || received === undefined) {
    return false
  }
  const a = Buffer.isBuffer(expected) ? expected : Buffer.from(expected)
  const b = Buffer.isBuffer(received) ? received : Buffer.from(received)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** HMAC of `payload` under `key` with `algorithm` (e.g. `sha256`), in `encoding` (hex or base64). */
export function hmacSignature(
  algorithm: string,
  key: string | Buffer,
  payload: string | Buffer,
  encoding: "hex" | "base64" = "hex"
): string {
  return createHmac(algorithm, key).update(payload).digest(encoding)
}

/**
 * Throws `invalid_signature` unless the signed timestamp (seconds since the epoch) is within
 * `toleranceSeconds` of `now`, in either direction: an old delivery replayed by someone who captured
 * it is refused, and so is one stamped in the future.
 */
export function assertTimestampWithinTolerance(
  timestampSeconds: number,
  toleranceSeconds: number,
  now: Date = new Date()
): void {
  if (!Number.isFinite(timestampSeconds)) {
    throw invalidSignature("the signed timestamp is missing or not a number")
  }
  if (Math.abs(now.getTime() / 1000 - timestampSeconds) > toleranceSeconds) {
    throw invalidSignature(`timestamp outside the tolerance of ${toleranceSeconds} seconds`)
  }
}

/**
 * Tries every configured secret (so a secret can be rotated: configure the new one beside the old,
 * switch the provider over, then drop the old) and returns the first one `verify` accepts. Throws
 * `invalid_signature` naming how many secrets were tried - never which, never their values - when
 * none does, or when there is no secret at all.
 */
export function verifyWithAnySecret<T extends string | Buffer>(
  secrets: readonly T[],
  verify: (secret: T) => boolean
): T {
  for (const secret of secrets) {
    if (verify(secret)) {
      return secret
    }
  }
  throw invalidSignature(
    secrets.length === 0
      ? "no webhook secret is configured"
      : `no signature matches any of the ${secrets.length} configured webhook secret(s)`
  )
}
