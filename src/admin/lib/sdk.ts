import Medusa from "@medusajs/js-sdk"

/** The app's admin build replaces these with the app's admin options (Medusa's admin bundler defines them). */
declare const __BACKEND_URL__: string | undefined
declare const __AUTH_TYPE__: "session" | "jwt" | undefined
declare const __JWT_TOKEN_STORAGE_KEY__: string | undefined

const backendUrl = typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__ : "/"
const authType = typeof __AUTH_TYPE__ !== "undefined" && __AUTH_TYPE__ ? __AUTH_TYPE__ : "session"
const jwtTokenStorageKey = typeof __JWT_TOKEN_STORAGE_KEY__ !== "undefined" ? __JWT_TOKEN_STORAGE_KEY__ : undefined

/**
 * The pages' API client: the backend and the authentication the dashboard itself uses (by default
 * the same origin and the admin's session cookie).
 */
export const sdk = new Medusa({
  baseUrl: backendUrl,
  auth: { type: authType, ...(jwtTokenStorageKey ? { jwtTokenStorageKey } : {}) },
})
