// A small SVG line chart with logarithmic axes, for the scale rows of bench/compare.js: x = peers,
// subscribers or subscriptions, y = messages per second, one line per library. No dependency:
// a few dozen lines of SVG are easier to keep than a charting library and its DOM shim.

const W = 640
const H = 360
const M = { left: 70, right: 150, top: 40, bottom: 50 }
const COLORS = { zeromq: "#d9534f", brokerless: "#2a7ae2", "node:net": "#5cb85c" }

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c])

function fmtTick(v) {
  if (v >= 1e6) return `${v / 1e6}M`
  if (v >= 1e3) return `${v / 1e3}k`
  return String(v)
}

/** Powers of ten covering [min, max] (at least one decade). */
function decades(min, max) {
  const lo = Math.floor(Math.log10(min))
  let hi = Math.ceil(Math.log10(max))
  if (hi === lo) hi++
  const out = []
  for (let e = lo; e <= hi; e++) out.push(10 ** e)
  return out
}

/**
 * @param {{ title: string, xLabel: string, yLabel: string, series: { name: string, points: [number, number][] }[] }} chart
 * @returns {string} an SVG document
 */
export function logLogChart({ title, xLabel, yLabel, series }) {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0)
  if (!all.length) return null
  const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])))
  const ys = decades(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])))
  const [x0, x1] = [Math.log10(xs[0]), Math.log10(xs[xs.length - 1])]
  const [y0, y1] = [Math.log10(ys[0]), Math.log10(ys[ys.length - 1])]
  const px = (x) => M.left + ((Math.log10(x) - x0) / (x1 - x0)) * (W - M.left - M.right)
  const py = (y) => H - M.bottom - ((Math.log10(y) - y0) / (y1 - y0)) * (H - M.top - M.bottom)
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ]
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" y1="${M.top}" x2="${px(x)}" y2="${H - M.bottom}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmtTick(x)}</text>`)
  }
  for (const y of ys) {
    out.push(`<line x1="${M.left}" y1="${py(y)}" x2="${W - M.right}" y2="${py(y)}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmtTick(y)}</text>`)
  }
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)} (log)</text>`)
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)} (log)</text>`)
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0])
    const color = COLORS[s.name] ?? "#777"
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`)
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(s.name)}: ${fmtTick(x)} → ${Math.round(y)}</title></circle>`)
    const ly = M.top + 10 + i * 20
    out.push(`<line x1="${W - M.right + 15}" y1="${ly}" x2="${W - M.right + 40}" y2="${ly}" stroke="${color}" stroke-width="2"/>`)
    out.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`)
  })
  out.push("</svg>")
  return out.join("\n") + "\n"
}
