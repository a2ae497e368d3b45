import type { ActionableWebhookAction, WebhookAction } from "../webhook-contract"

/**
 * A provider's event types and the action each one means, as data: `{ "AUTHORISATION": "authorized",
 * ... }`. Keeping the table as data lets the README, the conformance kit and the mapping code read the
 * same source.
 */
export type WebhookEventTable = Readonly<Record<string, ActionableWebhookAction>>

/**
 * Declares an event table; `as const` keeps each event type's action as a literal. Returns the table
 * itself, checked against the actions this plugin knows.
 */
export function defineWebhookEventTable<const T extends WebhookEventTable>(table: T): T {
  return table
}

/** The action `type` means in `table`; `not_supported` for a type the table does not list. */
export function actionFromTable(table: WebhookEventTable, type: string): WebhookAction {
  return Object.prototype.hasOwnProperty.call(table, type) ? table[type] : "not_supported"
}
