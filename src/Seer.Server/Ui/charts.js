// Small SVG charts for the Seer UI: bar charts of {label: count}, and a lineage graph of dataset versions.
const NS = "http://www.w3.org/2000/svg";
const palette = ["#2f6fde", "#e0572b", "#1d9a6c", "#8a5cd1", "#d1a10f", "#d13f8a", "#3fa6d1", "#6b8e23", "#b5651d", "#00a8a8"];
// Colours are handed out in the order labels are first drawn in this session, so a page's labels never share one
// (until more labels than the palette holds); the same label keeps its colour across pages.
const colors = new Map();
export function colorOf(label) {
  if (!colors.has(label)) colors.set(label, palette[colors.size % palette.length]);
  return colors.get(label);
}
const svg = (tag, attrs = {}, text) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
};

export function barChart(counts, { id, color, max: fixedMax } = {}) {
  const entries = Object.entries(counts);
  const max = fixedMax ?? Math.max(1, ...entries.map(([, v]) => v));
  const rowH = 22, labelW = 110, barW = 260, height = entries.length * rowH + 10;
  const root = svg("svg", { width: labelW + barW + 60, height, role: "img", ...(id ? { id } : {}) });
  entries.forEach(([label, value], i) => {
    const y = 5 + i * rowH;
    root.append(svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", "font-size": 12 }, label));
    root.append(svg("rect", { x: labelW, y: y + 3, width: Math.max(1, barW * value / max), height: rowH - 8, rx: 3, fill: color ?? colorOf(label) }));
    root.append(svg("text", { x: labelW + barW * value / max + 6, y: y + 14, "font-size": 12 }, String(value)));
  });
  return root;
}

export function lineageGraph({ nodes, edges }) {
  const ordered = [...nodes].sort((a, b) => new Date(a.created_at) - new Date(b.created_at));
  const datasets = [...new Set(ordered.map(n => n.dataset))];
  const pos = new Map(ordered.map((n, i) => [n.id, { x: 70 + i * 150, y: 35 + datasets.indexOf(n.dataset) * 70 }]));
  const root = svg("svg", { width: Math.max(300, ordered.length * 150 + 40), height: datasets.length * 70 + 20, id: "lineage" });
  for (const e of edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (a && b) root.append(svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#9aa5b5", "stroke-width": 2 }));
  }
  for (const n of ordered) {
    const p = pos.get(n.id);
    root.append(svg("circle", { cx: p.x, cy: p.y, r: 9, fill: colorOf(n.dataset) }));
    root.append(svg("text", { x: p.x, y: p.y - 14, "text-anchor": "middle", "font-size": 11 }, `${n.dataset}@${n.id.slice(0, 7)}`));
    root.append(svg("text", { x: p.x, y: p.y + 24, "text-anchor": "middle", "font-size": 11, fill: "#555" }, `${n.operation} · ${n.images} img`));
  }
  return root;
}

// A line chart of one or more series [{name, color, points: [[x, y], ...]}] (a point's optional third element is its label) with axes, ticks and a legend.
// Options: id, width, height, xLabel, yLabel, xMin/xMax/yMin/yMax (fixed ranges, e.g. 0..1 for PR curves), step (draw as steps).
export function lineChart(series, { id, width = 420, height = 240, xLabel = "", yLabel = "", xMin, xMax, yMin, yMax, step = false, integerX = false } = {}) {
  const legendRows = Math.ceil(series.length / 2);
  height += legendRows * 16;
  const pad = { left: 52, right: 12, top: 14, bottom: 40 + legendRows * 16 };
  const all = series.flatMap(s => s.points).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const x0 = xMin ?? Math.min(...all.map(p => p[0]), 0), x1 = xMax ?? Math.max(...all.map(p => p[0]), 1);
  let y0 = yMin ?? Math.min(...all.map(p => p[1]), 0), y1 = yMax ?? Math.max(...all.map(p => p[1]), 1e-9);
  if (y1 === y0) y1 = y0 + 1;
  const w = width - pad.left - pad.right, hgt = height - pad.top - pad.bottom;
  const sx = x => pad.left + (x1 === x0 ? 0 : (x - x0) / (x1 - x0) * w), sy = y => pad.top + hgt - (y - y0) / (y1 - y0) * hgt;
  const root = svg("svg", { width, height, role: "img", class: "chart", ...(id ? { id } : {}) });
  root.append(svg("rect", { x: pad.left, y: pad.top, width: w, height: hgt, fill: "#fafbfc", stroke: "#d5dae1" }));
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + (y1 - y0) * i / 4;
    root.append(svg("line", { x1: pad.left, x2: pad.left + w, y1: sy(yv), y2: sy(yv), stroke: "#e8ebef" }));
    root.append(svg("text", { x: pad.left - 5, y: sy(yv) + 4, "text-anchor": "end", "font-size": 10, fill: "#555" }, fmt(yv)));
  }
  const xTicks = integerX ? [...new Set(Array.from({ length: 5 }, (_, i) => Math.round(x0 + (x1 - x0) * i / 4)))] : [0, 1, 2, 3, 4].map(i => x0 + (x1 - x0) * i / 4);
  for (const xv of xTicks) root.append(svg("text", { x: sx(xv), y: pad.top + hgt + 14, "text-anchor": "middle", "font-size": 10, fill: "#555" }, integerX ? String(xv) : fmt(xv)));
  root.append(svg("text", { x: pad.left + w / 2, y: pad.top + hgt + 30, "text-anchor": "middle", "font-size": 11 }, xLabel));
  root.append(svg("text", { x: 12, y: pad.top + hgt / 2, "text-anchor": "middle", "font-size": 11, transform: `rotate(-90 12 ${pad.top + hgt / 2})` }, yLabel));
  series.forEach((s, k) => {
    const pts = s.points.filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const color = s.color ?? palette[k % palette.length];
    if (pts.length > 1) {
      let d = `M${sx(pts[0][0])},${sy(pts[0][1])}`;
      for (let i = 1; i < pts.length; i++) d += step ? `H${sx(pts[i][0])}V${sy(pts[i][1])}` : `L${sx(pts[i][0])},${sy(pts[i][1])}`;
      root.append(svg("path", { d, fill: "none", stroke: color, "stroke-width": 2, "data-series": s.name }));
    }
    if (pts.length <= 40) for (const p of pts) {
      root.append(svg("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 3, fill: color, "data-series": s.name }));
      // an optional third element labels the point (e.g. the round of an iteration)
      if (p[2] != null) root.append(svg("text", { x: sx(p[0]), y: sy(p[1]) - 7, "text-anchor": "middle", "font-size": 10, fill: color, class: "point-label" }, String(p[2])));
    }
    const lx = pad.left + (k % 2) * (w / 2), ly = pad.top + hgt + 40 + Math.floor(k / 2) * 16;
    root.append(svg("rect", { x: lx, y: ly, width: 10, height: 10, fill: color }));
    root.append(svg("text", { x: lx + 14, y: ly + 9, "font-size": 11 }, s.name));
  });
  if (all.length === 0) root.append(svg("text", { x: pad.left + w / 2, y: pad.top + hgt / 2, "text-anchor": "middle", "font-size": 12, fill: "#888" }, "no points yet"));
  return root;
}

// Side-by-side bars of two values per key (model A vs model B), keys down the left.
export function pairedBars(keys, a, b, { id, names = ["A", "B"], max } = {}) {
  const rowH = 30, labelW = 120, barW = 240, height = keys.length * rowH + 30;
  const top = max ?? Math.max(1e-9, ...keys.flatMap(k => [a[k] ?? 0, b[k] ?? 0]));
  const root = svg("svg", { width: labelW + barW + 70, height, role: "img", ...(id ? { id } : {}) });
  [names[0], names[1]].forEach((n, i) => {
    root.append(svg("rect", { x: labelW + i * 130, y: 4, width: 10, height: 10, fill: palette[i] }));
    root.append(svg("text", { x: labelW + 14 + i * 130, y: 13, "font-size": 11 }, n));
  });
  keys.forEach((key, i) => {
    const y = 24 + i * rowH;
    root.append(svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end", "font-size": 12 }, key));
    [a[key], b[key]].forEach((v, j) => {
      const value = Number.isFinite(v) ? Math.max(0, v) : 0;
      root.append(svg("rect", { x: labelW, y: y + j * 12, width: Math.max(1, barW * value / top), height: 10, rx: 2, fill: palette[j] }));
      root.append(svg("text", { x: labelW + barW * value / top + 4, y: y + 9 + j * 12, "font-size": 10 }, Number.isFinite(v) ? fmt(v) : "–"));
    });
  });
  return root;
}

function fmt(v) {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}
