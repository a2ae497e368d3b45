/**
 * The names of the plugin's scheduled jobs (`src/jobs/`): Medusa registers each as the workflow
 * `job-<name>`, and its schedule under that key.
 */
export const PLUGIN_JOB_NAMES = {
  recovery: "process-due-payment-webhooks",
  reconcile: "reconcile-payment-sessions",
  retention: "prune-payment-webhooks",
} as const
