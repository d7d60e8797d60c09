// The 2-D map of a version's embeddings (#/map/NAME[?model=]): the server's PCA of a model's feature vectors
// (GET /api/datasets/{ref}/map), one dot per image coloured by its label; drag a lasso around dots to select them, then
// make the selection a new version (POST /api/datasets/{ref}/select: a dataset operation with the source as parent).
import { colorOf } from "/charts.js";
import { view, h, api, json, card, fail } from "/dom.js";
import { report } from "/actions.js";

const enc = encodeURIComponent;
const SIZE = 640, PAD = 14;

/** Ray casting: whether (x, y) is inside the polygon of [x, y] corners. */
function inside(x, y, polygon) {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i], [xj, yj] = polygon[j];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

export async function mapPage(arg) {
  const [rawName, query = ""] = (arg ?? "").split("?");
  const name = decodeURIComponent(rawName);
  const params = new URLSearchParams(query);
  const embeddings = await api(`/api/datasets/${enc(name)}/embeddings`);
  if (!embeddings.models.length) {
    view.replaceChildren(card(`Map of ${name}`, h("p", { id: "map-none" }, "No feature vectors over this version yet: ",
      h("a", { href: `#/browse/${enc(name)}` }, "compute fields with a model"), " (a classifier or detector with features), then come back.")));
    return;
  }
  const model = params.get("model") && embeddings.models.includes(params.get("model")) ? params.get("model") : embeddings.models[0];
  const data = await api(`/api/datasets/${enc(embeddings.dataset)}@${embeddings.version}/map?model=${enc(model)}`);
  const ref = `${data.dataset}@${data.version}`;
  const points = data.points;

  // Data → canvas pixels (y up), the same scale on both axes so distances keep their meaning.
  const xs = points.map(p => p.x), ys = points.map(p => p.y);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const scale = (SIZE - 2 * PAD) / Math.max(maxX - minX, maxY - minY, 1e-9);
  // The narrower axis is centred.
  const offX = (SIZE - 2 * PAD - (maxX - minX) * scale) / 2, offY = (SIZE - 2 * PAD - (maxY - minY) * scale) / 2;
  const px = points.map(p => [PAD + offX + (p.x - minX) * scale, SIZE - PAD - offY - (p.y - minY) * scale]);
  const canvas = h("canvas", { id: "map-canvas", class: "map", width: SIZE, height: SIZE,
    "data-transform": JSON.stringify({ minX, minY, scale, pad: PAD, offX, offY, size: SIZE }), "data-points": points.length });
  let selected = new Set(), lasso = null;

  const count = h("span", { id: "map-selected" }, "Drag around dots to select them.");
  const target = h("input", { id: "map-target", placeholder: `${data.dataset}-selection`, class: "mid" });
  const create = h("button", { type: "submit", id: "map-create", disabled: true }, "Make a version of the selection");
  const out = h("div", { id: "map-result" });
  const draw = () => {
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, SIZE, SIZE);
    for (let i = 0; i < points.length; i++) {
      const [x, y] = px[i];
      g.fillStyle = colorOf(points[i].label ?? "(none)");
      g.globalAlpha = selected.size && !selected.has(i) ? 0.25 : 0.85;
      g.fillRect(x - 2, y - 2, 4, 4);
      if (selected.has(i)) { g.globalAlpha = 1; g.strokeStyle = "#111"; g.strokeRect(x - 3, y - 3, 6, 6); }
    }
    g.globalAlpha = 1;
    if (lasso && lasso.length > 1) {
      g.strokeStyle = "#111"; g.setLineDash([4, 3]); g.beginPath();
      g.moveTo(...lasso[0]); for (const p of lasso.slice(1)) g.lineTo(...p);
      g.closePath(); g.stroke(); g.setLineDash([]);
    }
  };
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * SIZE / r.width, (e.clientY - r.top) * SIZE / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => { e.preventDefault(); canvas.setPointerCapture(e.pointerId); lasso = [at(e)]; draw(); });
  canvas.addEventListener("pointermove", (e) => { if (lasso) { lasso.push(at(e)); draw(); } });
  canvas.addEventListener("pointerup", () => {
    if (!lasso) return;
    selected = lasso.length > 2 ? new Set(points.map((_, i) => i).filter(i => inside(px[i][0], px[i][1], lasso))) : new Set();
    lasso = null;
    draw();
    const picked = [...selected].map(i => points[i].index).sort((a, b) => a - b);
    canvas.dataset.selected = picked.join(",");
    count.textContent = `${picked.length} image${picked.length === 1 ? "" : "s"} selected`;
    create.disabled = picked.length === 0;
  });
  const submit = async (e) => {
    e.preventDefault();
    const indices = [...selected].map(i => points[i].index).sort((a, b) => a - b);
    out.replaceChildren(h("p", {}, "Working…"));
    try { out.replaceChildren(report(await api(`/api/datasets/${enc(ref)}/select`, json("POST", { indices, target: target.value || null })))); }
    catch (err) { out.replaceChildren(fail(err)); }
  };
  const models = h("select", { id: "map-model", onchange: (e) => { location.hash = `#/map/${enc(name)}?model=${enc(e.target.value)}`; } },
    embeddings.models.map(m => h("option", { value: m, selected: m === model }, m)));
  const labels = [...new Set(points.map(p => p.label ?? "(none)"))].sort();
  view.replaceChildren(
    card(`Map of ${data.dataset}@${data.version.slice(0, 10)}`,
      h("p", {}, `${points.length} of ${data.total} images${data.sampled ? " (an even sample)" : ""}: the first two principal components of `,
        h("label", {}, "model ", models), `'s features (${(100 * data.explained_variance).toFixed(1)}% of their variance). `,
        h("a", { href: `#/browse/${enc(data.dataset)}` }, "Back to the grid")),
      h("p", { class: "map-legend", id: "map-legend" }, labels.map(l => h("span", { class: "swatch", "data-label": l }, h("b", { class: "dot", "data-color": colorOf(l) }, "■"), ` ${l}`))),
      h("div", { class: "map-wrap" }, canvas),
      h("form", { class: "filters", onsubmit: submit }, count, " ", h("label", {}, "Into ", target), " ", create),
      out));
  for (const dot of document.querySelectorAll("#map-legend .dot")) dot.style.color = dot.dataset.color;
  draw();
}
