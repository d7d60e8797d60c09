// Data browser: a virtualised grid over a dataset version of any size (only the visible rows are in the DOM; pages
// of 100 are fetched from GET /api/datasets/{ref}/images as they scroll into view), filters and sort kept in the
// hash (#/browse/NAME?label=..&sort=..), and the image page (#/image/NAME@VERSION/INDEX): full-size zoom, ground
// truth beside or under a served model's predictions, per-object TP/FP/FN at a chosen score and IoU, and "more like
// this" (GET /api/datasets/{ref}/images/{index}/similar: neighbours in a model's features through Seer.Search).
import { colorOf } from "/charts.js";
import { view, h, api, card, fail } from "/dom.js";

const PAGE = 100, TILE = 128, ROW = 152, IMG = 112;
const STATUS_COLOR = { tp: "#1d9a6c", fp: "#d33", fn: "#e08a00", ignored: "#888", below: "#aab" };
const enc = encodeURIComponent;

let cleanup = null;
export function stopBrowse() { if (cleanup) { cleanup(); cleanup = null; } }

/** Draws an image (scaled crisply when enlarged) and its boxes into a canvas of at most size × size. */
function drawInto(canvas, picture, img, size, layers) {
  const scale = size === "full" ? 1 : Math.min(size / img.width, size / img.height);
  canvas.width = Math.max(1, Math.round(img.width * scale));
  canvas.height = Math.max(1, Math.round(img.height * scale));
  const g = canvas.getContext("2d");
  g.imageSmoothingEnabled = scale < 1;
  g.drawImage(picture, 0, 0, canvas.width, canvas.height);
  g.font = "12px sans-serif";
  for (const { objects, color, dashed } of layers) {
    g.setLineDash(dashed ? [5, 3] : []);
    for (const o of objects) {
      const [x1, y1, x2, y2] = o.box.map(v => v * scale);
      g.lineWidth = 2; g.strokeStyle = g.fillStyle = color(o);
      g.strokeRect(x1, y1, x2 - x1, y2 - y1);
      g.fillText(o.label + (o.score != null ? ` ${o.score.toFixed(2)}` : ""), x1 + 2, Math.max(12, y1 - 2));
    }
  }
  g.setLineDash([]);
}

const source = (img, largest) => Math.max(img.width, img.height) <= largest ? `/api/blobs/${img.hash}` : `/api/blobs/${img.hash}/thumbnail?size=${largest * 2}`;

function tile(ref, img, position) {
  const canvas = h("canvas", { class: "pixelated" });
  const picture = new Image();
  picture.onload = () => {
    drawInto(canvas, picture, img, IMG, [{ objects: img.objects, color: o => colorOf(o.label) }]);
    canvas.dataset.loaded = "true";
  };
  picture.src = source(img, IMG);
  const label = img.tags.length ? img.tags.join(", ") : img.objects.length ? `${img.objects.length} box${img.objects.length === 1 ? "" : "es"}` : img.labelled ? "no objects" : "unlabelled";
  const el = h("a", { class: "btile", href: `#/image/${enc(ref)}/${img.index}`, "data-index": position, title: img.file_name },
    canvas, h("span", { class: "btile-label" }, label));
  return el;
}

export async function browsePage(arg) {
  const [rawName, query = ""] = (arg ?? "").split("?");
  const name = decodeURIComponent(rawName);
  const params = new URLSearchParams(query);
  const base = () => { const p = new URLSearchParams(params); p.delete("offset"); p.delete("limit"); return p; };
  const url = (offset) => { const p = base(); p.set("offset", offset); p.set("limit", PAGE); return `/api/datasets/${enc(name)}/images?${p}`; };
  const [first, fields] = await Promise.all([api(url(0)), api(`/api/datasets/${enc(name)}/fields`)]);
  const ref = `${first.dataset}@${first.version}`;
  const total = first.total;
  const pages = new Map([[0, first.images]]);
  const pending = new Map();
  let fetched = 1;

  // Filters: every change rewrites the hash, so a filtered view is a link.
  const select = (id, options, value) => h("select", { id }, options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)));
  const label = select("browse-label", [["", "(any label)"], ...first.classes.map(c => [c, c])], params.get("label") ?? "");
  const state = select("browse-state", [["", "(any state)"], ["labelled", "labelled"], ["unlabelled", "unlabelled"]], params.get("state") ?? "");
  const q = h("input", { id: "browse-q", placeholder: "file name contains", value: params.get("q") ?? "" });
  const sort = select("browse-sort", fields.fields.map(f => [f, f]), params.get("sort") ?? "index");
  const order = select("browse-order", [["asc", "ascending"], ["desc", "descending"]], params.get("order") ?? "asc");
  const numeric = fields.fields.filter(f => f !== "file_name");
  const field = select("browse-field", [["", "(no range)"], ...numeric.map(f => [f, f])], params.get("field") ?? "");
  const min = h("input", { id: "browse-min", type: "number", step: "any", placeholder: "min", value: params.get("min") ?? "", class: "short" });
  const max = h("input", { id: "browse-max", type: "number", step: "any", placeholder: "max", value: params.get("max") ?? "", class: "short" });
  const apply = (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, el] of [["label", label], ["state", state], ["q", q], ["sort", sort], ["order", order], ["field", field], ["min", min], ["max", max]])
      if (el.value && !(k === "sort" && el.value === "index") && !(k === "order" && el.value === "asc")) p.set(k, el.value);
    location.hash = `#/browse/${enc(name)}${p.toString() ? "?" + p : ""}`;
  };
  const form = h("form", { class: "filters", onsubmit: apply }, label, state, q, h("span", { class: "nowrap" }, "sort ", sort, order),
    h("span", { class: "nowrap" }, field, min, max), h("button", { type: "submit", id: "browse-apply" }, "Apply"));

  const status = h("span", { id: "browse-status" });
  const spacer = h("div", { class: "vgrid-spacer" });
  const grid = h("div", { id: "grid", class: "vgrid", tabindex: "0" }, spacer);
  // Brain-style fields as recorded runs: a "fields" job computes them with a served model (or only near duplicates).
  const served = await api("/api/models").catch(() => []);
  const fieldsModel = h("select", { id: "fields-model" }, h("option", { value: "" }, "(no model: near duplicates only)"), served.map(m => h("option", { value: m.name }, m.name)));
  const fieldsForm = h("form", { class: "filters", onsubmit: async (e) => {
    e.preventDefault();
    try {
      const parameters = { dataset: ref };
      if (fieldsModel.value) parameters.model = fieldsModel.value;
      const job = await api("/api/jobs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "fields", parameters }) });
      location.hash = `#/job/${job.id}`;
    } catch (err) { status.replaceChildren(fail(err)); }
  } }, "Compute uniqueness, mistakenness, per-sample evaluation and near duplicates with ", fieldsModel, h("button", { type: "submit", id: "fields-submit" }, "Compute fields"));
  const runs = fields.runs.length ? h("details", {}, h("summary", {}, `${fields.runs.length} recorded field run(s)`),
    h("table", { id: "field-runs" }, h("tr", {}, ["Field", "Method", "Model", "Values", "When"].map(t => h("th", {}, t))),
      fields.runs.map(r => h("tr", {}, h("td", {}, r.field), h("td", {}, r.method), h("td", {}, r.model ?? "–"), h("td", {}, r.values), h("td", {}, new Date(r.created_at).toLocaleString()))))) : null;
  view.replaceChildren(card(`Browse ${name}`, h("p", {}, `${total} image${total === 1 ? "" : "s"} match · version ${first.version.slice(0, 10)} · `,
    h("a", { href: `#/map/${enc(name)}`, id: "browse-map" }, "map"), " · ", status), form, runs, fieldsForm), grid);

  let cols = 1;
  const layout = () => {
    cols = Math.max(1, Math.floor(grid.clientWidth / TILE));
    spacer.style.height = `${Math.ceil(total / cols) * ROW}px`;
  };
  const load = (p) => {
    if (pages.has(p) || pending.has(p)) return;
    pending.set(p, api(url(p * PAGE)).then(r => { pages.set(p, r.images); fetched++; grid.dataset.pages = fetched; render(); })
      .catch(err => status.replaceChildren(fail(err))).finally(() => pending.delete(p)));
  };
  const render = () => {
    const firstRow = Math.max(0, Math.floor(grid.scrollTop / ROW) - 2);
    const lastRow = Math.ceil((grid.scrollTop + grid.clientHeight) / ROW) + 2;
    const from = firstRow * cols, to = Math.min(total, (lastRow + 1) * cols);
    const tiles = [];
    for (let i = from; i < to; i++) {
      const p = Math.floor(i / PAGE), images = pages.get(p);
      let el;
      if (!images) { load(p); el = h("div", { class: "btile placeholder", "data-index": i }); }
      else el = tile(ref, images[i - p * PAGE], i);
      el.style.left = `${(i % cols) * TILE}px`;
      el.style.top = `${Math.floor(i / cols) * ROW}px`;
      tiles.push(el);
    }
    spacer.replaceChildren(...tiles);
    grid.dataset.rendered = tiles.length;
    status.textContent = total ? `showing ${from + 1}–${to} of ${total}; ${fetched} page(s) of ${PAGE} fetched` : "";
  };
  let frame = 0;
  const onScroll = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); };
  const onResize = () => { layout(); render(); };
  grid.addEventListener("scroll", onScroll);
  window.addEventListener("resize", onResize);
  cleanup = () => window.removeEventListener("resize", onResize);
  grid.dataset.pages = fetched;
  grid.dataset.total = total;
  layout();
  render();
}

export async function imagePage(refArg, indexArg) {
  const ref = refArg, index = Number(indexArg);
  const [data, served, embedded] = await Promise.all([api(`/api/datasets/${enc(ref)}/images/${index}`), api("/api/models"),
    api(`/api/datasets/${enc(ref)}/embeddings`).catch(() => ({ models: [] }))]);
  const img = data.image;
  const zoom = h("input", { id: "image-zoom", type: "range", min: 1, max: 16, step: 1, value: Math.max(1, Math.min(16, Math.floor(480 / Math.max(img.width, img.height)))) });
  const zoomText = h("span", {});
  const model = h("select", { id: "image-model" }, served.map(m => h("option", { value: m.name }, m.name)));
  const threshold = h("input", { id: "image-threshold", type: "number", min: 0, max: 1, step: 0.05, value: 0.25, class: "short" });
  const iou = h("input", { id: "image-iou", type: "number", min: 0.05, max: 1, step: 0.05, value: 0.5, class: "short" });
  const mode = h("select", { id: "image-mode" }, h("option", { value: "side" }, "side by side"), h("option", { value: "overlay" }, "overlaid"));
  const truthCanvas = h("canvas", { id: "image-truth", class: "pixelated" });
  const predCanvas = h("canvas", { id: "image-pred", class: "pixelated" });
  const result = h("div", { id: "prediction-result" });
  const picture = new Image();
  let prediction = null;
  const draw = () => {
    if (!picture.complete || !picture.naturalWidth) return;
    const z = Number(zoom.value), size = Math.max(img.width, img.height) * z;
    zoomText.textContent = ` ${z}×`;
    const truth = { objects: img.objects, color: o => prediction?.truth ? STATUS_COLOR[prediction.truth[img.objects.indexOf(o)]?.status] ?? colorOf(o.label) : colorOf(o.label) };
    const preds = prediction?.predictions ? { objects: prediction.predictions.filter(p => p.status !== "below"), color: p => STATUS_COLOR[p.status] ?? "#2f6fde", dashed: true } : null;
    if (mode.value === "overlay") {
      drawInto(truthCanvas, picture, img, size, preds ? [truth, preds] : [truth]);
      predCanvas.hidden = true;
    } else {
      drawInto(truthCanvas, picture, img, size, [truth]);
      predCanvas.hidden = !preds;
      if (preds) drawInto(predCanvas, picture, img, size, [preds]);
    }
    truthCanvas.dataset.loaded = "true";
  };
  picture.onload = draw;
  picture.src = `/api/blobs/${img.hash}`;
  zoom.oninput = draw; mode.onchange = draw;
  const predict = async (e) => {
    e.preventDefault();
    result.replaceChildren(h("p", {}, "Running the model…"));
    try {
      prediction = await api(`/api/datasets/${enc(ref)}/images/${index}/predictions?model=${enc(model.value)}&threshold=${threshold.value}&iou=${iou.value}`);
      if (prediction.task === "classify") {
        const truthTag = img.tags[0];
        result.replaceChildren(
          h("p", { id: "prediction-verdict", class: prediction.correct ? "state-succeeded" : "state-failed" },
            prediction.correct == null ? "No single ground-truth class to compare with." : prediction.correct ? `Correct: ${truthTag}` : `Wrong: predicted ${prediction.classes[0]?.label}, truth ${truthTag}`),
          h("table", { id: "prediction-classes" }, h("tr", {}, h("th", {}, "Class"), h("th", {}, "Score")),
            prediction.classes.map(c => h("tr", { class: c.label === truthTag ? "truth" : "" }, h("td", {}, c.label), h("td", {}, c.score.toFixed(3))))));
      } else {
        const c = prediction.counts;
        result.replaceChildren(
          h("p", { id: "prediction-verdict" }, `At score ≥ ${prediction.threshold} and IoU ≥ ${prediction.iou}: `,
            h("b", { class: "tp" }, `${c.tp} TP`), " · ", h("b", { class: "fp" }, `${c.fp} FP`), " · ", h("b", { class: "fn" }, `${c.fn} FN`)),
          h("table", { id: "prediction-objects" }, h("tr", {}, ["", "Label", "Score", "Box", "Outcome"].map(t => h("th", {}, t))),
            prediction.truth.map(o => h("tr", {}, h("td", {}, "truth"), h("td", {}, o.label), h("td", {}, "–"), h("td", {}, o.box.map(v => v.toFixed(0)).join(", ")), h("td", { class: o.status }, o.status.toUpperCase()))),
            prediction.predictions.map(o => h("tr", {}, h("td", {}, "model"), h("td", {}, o.label), h("td", {}, o.score.toFixed(3)), h("td", {}, o.box.map(v => v.toFixed(0)).join(", ")), h("td", { class: o.status }, o.status.toUpperCase())))));
      }
      draw();
    } catch (err) { result.replaceChildren(fail(err)); }
  };
  // More like this: the nearest images in a model's feature space (vectors stored by the fields job, Seer.Search).
  const similarModel = h("select", { id: "similar-model" }, embedded.models.map(m => h("option", { value: m }, m)));
  const similar = h("div", { id: "similar", class: "similar" });
  const findSimilar = async (e) => {
    e.preventDefault();
    similar.replaceChildren(h("p", {}, "Searching…"));
    try {
      const r = await api(`/api/datasets/${enc(ref)}/images/${index}/similar?model=${enc(similarModel.value)}&k=12`);
      similar.replaceChildren(...r.images.map(img => {
        const t = tile(`${data.dataset}@${data.version}`, img, img.index);
        t.classList.add("static");
        t.append(h("span", { class: "btile-score", title: "cosine similarity" }, img.score.toFixed(4)));
        return t;
      }));
      similar.dataset.count = r.images.length;
    } catch (err) { similar.replaceChildren(fail(err)); }
  };
  const likeThis = card("More like this", embedded.models.length
    ? h("form", { class: "filters", onsubmit: findSimilar }, h("label", {}, "Features of ", similarModel), h("button", { type: "submit", id: "similar-submit" }, "More like this"))
    : h("p", {}, "No feature vectors over this version yet: compute fields with a model on ", h("a", { href: `#/browse/${enc(data.dataset)}` }, "the grid"), "."), similar);
  const nav = (i, text) => i >= 0 && i < data.total ? h("a", { href: `#/image/${enc(ref)}/${i}` }, text) : h("span", { class: "muted" }, text);
  view.replaceChildren(
    card(img.file_name,
      h("p", {}, nav(index - 1, "← previous"), " · ", h("a", { href: `#/browse/${enc(data.dataset)}` }, "back to the grid"), " · ", nav(index + 1, "next →")),
      h("table", { class: "kv", id: "image-facts" },
        [["Dataset", `${data.dataset}@${data.version.slice(0, 10)}`], ["Image", `${index + 1} of ${data.total}`], ["Size", `${img.width} × ${img.height}`],
         ["Ground truth", h("span", { id: "image-tags" }, img.tags.length ? img.tags.join(", ") : img.objects.length ? img.objects.map(o => o.label).join(", ") : img.labelled ? "labelled, no objects" : "unlabelled")],
         ...Object.entries(img).filter(([k, v]) => typeof v === "number" && !["index", "width", "height"].includes(k)).map(([k, v]) => [k.replaceAll("_", " "), Number.isInteger(v) ? v : v.toFixed(4)])]
          .map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))))),
    card("Image", h("form", { class: "filters", onsubmit: predict },
      h("label", {}, "Zoom ", zoom, zoomText),
      served.length ? [h("label", {}, "Model ", model), h("label", {}, "Score ≥ ", threshold), h("label", {}, "IoU ≥ ", iou), h("label", {}, "Show ", mode),
        h("button", { type: "submit", id: "predict-submit" }, "Predict")] : h("span", {}, "No served model to compare with.")),
      h("p", { class: "legend" }, ["tp", "fp", "fn"].map(s => h("span", { class: s }, s.toUpperCase())), " dashed: the model's boxes"),
      h("div", { class: "zoom" }, truthCanvas, predCanvas), result),
    likeThis);
  predCanvas.hidden = true;
}
