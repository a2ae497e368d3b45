import type Stripe from "stripe"
import type { EventSummary } from "./dashboard"

/** What the dashboard page shows. */
export interface DashboardView {
  paymentIntents: Stripe.PaymentIntent[]
  disputes: Stripe.Dispute[]
  events: EventSummary[]
}

const OPEN_DISPUTE_STATUSES = ["warning_needs_response", "warning_under_review", "needs_response", "under_review"]

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 2em; color: #1a1f36; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
code { font-size: 12px; }
form { display: inline; margin-right: 4px; }
input[type=number] { width: 6em; }
.ok { color: #0a7d3e; } .bad { color: #c0123c; }
`

/** The dashboard page: recent payment intents with an action form for each, and recent events with deliveries. */
export function renderDashboardPage(view: DashboardView): string {
  const intentRows = view.paymentIntents
    .map((intent) => {
      const disputes = view.disputes.filter((dispute) => dispute.payment_intent === intent.id)
      return `<tr><td><code>${escape(intent.id)}</code></td><td>${money(intent.amount, intent.currency)}</td>
<td>${escape(intent.status)}</td><td>${escape(paymentMethodTypes(intent))}</td>
<td>${disputes.map((dispute) => `<code>${escape(dispute.id)}</code> ${escape(dispute.status)}`).join("<br>")}</td>
<td>${intentActions(intent, disputes)}</td></tr>`
    })
    .join("\n")
  const eventRows = view.events
    .map(
      (event) => `<tr><td><code>${escape(event.id)}</code></td><td>${escape(event.type)}</td>
<td><code>${escape(event.object_id ?? "")}</code></td>
<td>${event.deliveries.map((delivery) => deliveryBadge(delivery.status, delivery.attempt)).join(" ") || "none yet"}</td>
<td>${button(`/_simulator/events/${event.id}/resend`, "Resend")}</td></tr>`
    )
    .join("\n")
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Stripe simulator</title><style>${STYLE}</style></head>
<body>
<h1>Stripe simulator</h1>
<p>Offline test mode. JSON API: <a href="/_simulator/help">/_simulator/help</a>.</p>
<h2>Payment intents</h2>
<table><tr><th>id</th><th>amount</th><th>status</th><th>method</th><th>disputes</th><th>actions</th></tr>
${intentRows || '<tr><td colspan="6">No payment intents yet.</td></tr>'}
</table>
<h2>Events</h2>
<table><tr><th>id</th><th>type</th><th>object</th><th>deliveries (status, attempt)</th><th></th></tr>
${eventRows || '<tr><td colspan="5">No events yet.</td></tr>'}
</table>
</body></html>`
}

/** The page `next_action.redirect_to_url` opens: the customer authorizes or fails the payment. */
export function renderRedirectPage(intent: Stripe.PaymentIntent): string {
  const pending = intent.status === "requires_action"
  const action = `/_simulator/redirect/${encodeURIComponent(intent.id)}`
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Test payment page</title><style>${STYLE}</style></head>
<body>
<h1>Test payment page</h1>
<p>${escape(paymentMethodTypes(intent))} payment of ${money(intent.amount, intent.currency)}
(<code>${escape(intent.id)}</code>), status <b>${escape(intent.status)}</b>.</p>
${
  pending
    ? `<form method="post" action="${action}"><input type="hidden" name="result" value="authorize">
<button type="submit">Authorize test payment</button></form>
<form method="post" action="${action}"><input type="hidden" name="result" value="fail">
<button type="submit">Fail test payment</button></form>`
    : "<p>This payment is not waiting for the customer.</p>"
}
</body></html>`
}

function intentActions(intent: Stripe.PaymentIntent, disputes: Stripe.Dispute[]): string {
  const base = `/_simulator/payment_intents/${encodeURIComponent(intent.id)}`
  const actions: string[] = []
  if (intent.status === "requires_action" || intent.status === "processing") {
    actions.push(button(`${base}/succeed`, "Succeed"), button(`${base}/fail`, "Fail"))
  }
  if (intent.status === "succeeded") {
    actions.push(
      `<form method="post" action="${base}/refund"><input type="number" name="amount" min="1" placeholder="all">` +
        `<button type="submit">Refund</button></form>`
    )
    if (disputes.length === 0) {
      actions.push(button(`${base}/dispute`, "Open dispute"))
    }
  }
  for (const dispute of disputes.filter((candidate) => OPEN_DISPUTE_STATUSES.includes(candidate.status))) {
    const path = `/_simulator/disputes/${encodeURIComponent(dispute.id)}`
    actions.push(
      button(path, "Under review", { status: "under_review" }),
      button(path, "Win", { status: "won" }),
      button(path, "Lose", { status: "lost" })
    )
  }
  return actions.join(" ")
}

function button(action: string, label: string, fields: Record<string, string> = {}): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("")
  return `<form method="post" action="${escape(action)}">${hidden}<button type="submit">${escape(label)}</button></form>`
}

function deliveryBadge(status: number | "error", attempt: number): string {
  const ok = typeof status === "number" && status >= 200 && status < 300
  return `<span class="${ok ? "ok" : "bad"}">${escape(String(status))} (#${attempt})</span>`
}

function paymentMethodTypes(intent: Stripe.PaymentIntent): string {
  return intent.payment_method_types.join(", ")
}

function money(amount: number, currency: string): string {
  return `${amount} ${escape(currency.toUpperCase())}`
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}
