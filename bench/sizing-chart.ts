/**
 * The SVG chart of `bench/sizing.ts`: three bar panels side by side - acknowledgements/s by server
 * processes, CPU per acknowledgement (servers and Postgres), orders/s by worker processes.
 */

interface Bar {
  label: string
  value: number
  color: string
}

const PANEL_WIDTH = 300
const HEIGHT = 260
const MARGIN = { left: 44, right: 12, top: 34, bottom: 44 }

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

function panel(title: string, bars: Bar[], x0: number, unit: string): string {
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const finite = bars.filter((bar) => Number.isFinite(bar.value))
  const max = Math.max(1e-9, ...finite.map((bar) => bar.value)) * 1.15
  const slot = plotW / Math.max(1, bars.length)
  const out = [`<text x="${x0 + MARGIN.left}" y="18" font-size="13" font-weight="bold">${escape(title)}</text>`]
  out.push(`<line x1="${x0 + MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${x0 + MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#999"/>`)
  bars.forEach((bar, index) => {
    const value = Number.isFinite(bar.value) ? Math.max(0, bar.value) : 0
    const h = (value / max) * plotH
    const x = x0 + MARGIN.left + index * slot + slot * 0.15
    const y = MARGIN.top + plotH - h
    out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${bar.color}"/>`)
    out.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${Number.isFinite(bar.value) ? bar.value.toFixed(bar.value < 10 ? 2 : 0) : "-"}</text>`)
    out.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${MARGIN.top + plotH + 14}" text-anchor="middle">${escape(bar.label)}</text>`)
  })
  out.push(`<text x="${x0 + MARGIN.left}" y="${HEIGHT - 10}" fill="#555">${escape(unit)}</text>`)
  return out.join("\n")
}

/** The chart for the measured acknowledgement and order figures. */
export function barChart(
  acks: { servers: number; perSecond: number; serverCpuMs: number; postgresCpuMs: number }[],
  orders: { workers: number; perSecond: number }[]
): string {
  const width = PANEL_WIDTH * 3
  const panels = [
    panel(
      "Acknowledgements/s (closed loop)",
      acks.map((ack) => ({ label: `${ack.servers} server${ack.servers > 1 ? "s" : ""}`, value: ack.perSecond, color: "#1f6feb" })),
      0,
      "acks/s, one Postgres"
    ),
    panel(
      "CPU per acknowledgement",
      acks.flatMap((ack) => [
        { label: `${ack.servers}s app`, value: ack.serverCpuMs, color: "#1f6feb" },
        { label: `${ack.servers}s pg`, value: ack.postgresCpuMs, color: "#888" },
      ]),
      PANEL_WIDTH,
      "ms of CPU: servers (blue), Postgres (grey)"
    ),
    panel(
      "Orders/s",
      orders.map((order) => ({ label: `${order.workers} worker${order.workers > 1 ? "s" : ""}`, value: order.perSecond, color: "#2da44e" })),
      PANEL_WIDTH * 2,
      "orders/s (cart completion)"
    ),
  ]
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif" font-size="11">
<rect width="${width}" height="${HEIGHT}" fill="#fff"/>
${panels.join("\n")}
</svg>
`
}
