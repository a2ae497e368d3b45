/**
 * A small SVG writer for the benchmark's latency distributions: one panel per measurement, each a
 * set of cumulative distribution curves (share of requests answered within x ms, x on a log scale).
 */

/** One curve: a name, a colour and its latencies (ms, ascending). */
export interface Curve {
  label: string
  color: string
  dashed?: boolean
  latencies: number[]
}

/** One panel of the chart. */
export interface Panel {
  title: string
  curves: Curve[]
}

const WIDTH = 460
const HEIGHT = 300
const MARGIN = { left: 48, right: 16, top: 30, bottom: 40 }
const POINTS = 200

/** Renders the panels side by side (two per row) as one SVG document. */
export function latencyChart(panels: Panel[], caption: string): string {
  const columns = Math.min(2, panels.length)
  const rows = Math.ceil(panels.length / columns)
  const width = columns * WIDTH
  const height = rows * HEIGHT + 28
  const parts = panels.map((panel, index) =>
    panelSvg(panel, (index % columns) * WIDTH, Math.floor(index / columns) * HEIGHT)
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="${width}" height="${height}" fill="#fff"/>
${parts.join("\n")}
<text x="8" y="${height - 10}" fill="#555">${escape(caption)}</text>
</svg>
`
}

function panelSvg(panel: Panel, x0: number, y0: number): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const all = panel.curves.flatMap((curve) => curve.latencies).filter((value) => value > 0)
  const min = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, Math.min(...all)))))
  const max = Math.pow(10, Math.ceil(Math.log10(Math.max(...all))))
  const xOf = (ms: number) =>
    x0 + MARGIN.left + ((Math.log10(Math.max(ms, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * plotW
  const yOf = (share: number) => y0 + MARGIN.top + (1 - share) * plotH
  const out: string[] = [`<text x="${x0 + MARGIN.left}" y="${y0 + 18}" font-size="13" font-weight="bold">${escape(panel.title)}</text>`]
  for (let decade = min; decade <= max; decade *= 10) {
    const x = xOf(decade)
    out.push(`<line x1="${x}" y1="${yOf(0)}" x2="${x}" y2="${yOf(1)}" stroke="#ddd"/>`)
    out.push(`<text x="${x}" y="${yOf(0) + 14}" text-anchor="middle">${decade >= 1 ? decade : decade.toFixed(1)} ms</text>`)
  }
  for (const share of [0, 0.5, 0.95, 0.99, 1]) {
    const y = yOf(share)
    out.push(`<line x1="${x0 + MARGIN.left}" y1="${y}" x2="${x0 + MARGIN.left + plotW}" y2="${y}" stroke="#eee"/>`)
    out.push(`<text x="${x0 + MARGIN.left - 4}" y="${y + 4}" text-anchor="end">p${Math.round(share * 100)}</text>`)
  }
  panel.curves.forEach((curve, index) => {
    if (curve.latencies.length) {
      const points = Array.from({ length: POINTS + 1 }, (_, i) => {
        const share = i / POINTS
        const value = curve.latencies[Math.min(curve.latencies.length - 1, Math.floor(share * (curve.latencies.length - 1)))]
        return `${xOf(value).toFixed(1)},${yOf(share).toFixed(1)}`
      })
      out.push(
        `<polyline fill="none" stroke="${curve.color}" stroke-width="1.6"${curve.dashed ? ' stroke-dasharray="5,3"' : ""} points="${points.join(" ")}"/>`
      )
    }
    const ly = y0 + MARGIN.top + 12 + index * 14
    const lx = x0 + MARGIN.left + plotW - 150
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${curve.color}" stroke-width="2"${curve.dashed ? ' stroke-dasharray="5,3"' : ""}/>`)
    out.push(`<text x="${lx + 22}" y="${ly}">${escape(curve.label)}</text>`)
  })
  return out.join("\n")
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}
