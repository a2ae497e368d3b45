import Medusa from "@medusajs/js-sdk"

/**
 * The admin's API client: same origin as the dashboard (Medusa serves both), authenticated by the
 * admin's session cookie.
 */
export const sdk = new Medusa({
  baseUrl: import.meta.env.VITE_BACKEND_URL || "/",
  auth: { type: "session" },
})
