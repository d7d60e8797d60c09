// Small SVG charts for the Seer UI: bar charts of {label: count}, and a lineage graph of dataset versions.
const NS = "http://www.w3.org/2000/svg";
const palette = ["#2f6fde", "#e0572b", "#1d9a6c", "#8a5cd1", "#d1a10f", "#d13f8a", "#3fa6d1", "#6b8e23", "#b5651d", "#00a8a8"];
const colors = new Map();
export function colorOf(label) {
  if (!colors.has(label)) {
    let hash = 0; for (const ch of label) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    colors.set(label, palette[hash % palette.length]);
  }
  return colors.get(label);
}
const svg = (tag, attrs = {}, text) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
};

export function barChart(counts, { id, color } = {}) {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, v]) => v));
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
