// Dataset actions from the dataset page, with the CLI's options and its report: split, sample, filter, dedup, relabel,
// merge (POST /api/datasets/...), synth (a "synth" job: the job page shows its report), and export as a .zip download (GET /api/datasets/{ref}/export.zip?format=).
import { view, h, api, json, card, fail } from "/dom.js";

const enc = encodeURIComponent;
const FORMATS = ["coco", "voc", "yolo", "folders", "labelme", "idx", "cvat", "labelstudio"];
const numbers = (text) => text.split(",").map(s => Number(s.trim())).filter(n => Number.isFinite(n));
const list = (text) => text.split(",").map(s => s.trim()).filter(Boolean);

export function report(r) {
  return h("div", { class: "report", "data-operation": r.operation },
    h("p", { class: "state-succeeded" }, `${r.operation}: ${r.versions.length} version(s)`),
    h("ul", {}, r.versions.map(v => h("li", { "data-dataset": v.dataset }, h("a", { href: `#/dataset/${enc(v.dataset)}` }, v.dataset),
      `@${v.version.slice(0, 10)} · ${v.images} images, ${v.labelled} labelled${v.created ? "" : " (identical version existed)"} · `,
      h("a", { href: `#/browse/${enc(v.dataset)}` }, "browse")))),
    r.removed.length ? h("details", {}, h("summary", {}, `${r.removed.length} image(s) left out`),
      h("ul", {}, r.removed.slice(0, 50).map(i => h("li", {}, `${i.file}: ${i.reason}`)))) : null,
    r.notes.length ? h("details", {}, h("summary", {}, `${r.notes.length} note(s)`), h("ul", {}, r.notes.slice(0, 50).map(i => h("li", {}, `${i.file}: ${i.reason}`)))) : null);
}

export function actionsCard(name, classes, datasets) {
  const out = h("div", { id: "action-result" });
  const run = (path, body) => async (e) => {
    e.preventDefault();
    out.replaceChildren(h("p", {}, "Working…"));
    try { out.replaceChildren(report(await api(path, json("POST", body())))); }
    catch (err) { out.replaceChildren(fail(err)); }
  };
  const input = (id, attrs = {}) => h("input", { id, ...attrs });
  const ratios = input("split-ratios", { value: "0.8,0.1,0.1", class: "mid" }), splitSeed = input("split-seed", { type: "number", value: 0, class: "short" });
  const prefix = input("split-prefix", { placeholder: name, class: "mid" });
  const count = input("sample-count", { type: "number", min: 1, placeholder: "count", class: "short" }), fraction = input("sample-fraction", { type: "number", step: "any", min: 0, max: 1, placeholder: "fraction", class: "short" });
  const stratified = input("sample-stratified", { type: "checkbox" }), sampleSeed = input("sample-seed", { type: "number", value: 0, class: "short" });
  const sampleTarget = input("sample-target", { placeholder: `${name}-sample`, class: "mid" });
  const labels = h("select", { id: "filter-labels", multiple: true, size: Math.min(6, Math.max(2, classes.length)) }, classes.map(c => h("option", { value: c }, c)));
  const state = h("select", { id: "filter-state" }, ["any", "labelled", "unlabelled"].map(s => h("option", { value: s }, s)));
  const exclude = input("filter-exclude", { placeholder: "exclude NAME[@VERSION], …", class: "mid" }), filterTarget = input("filter-target", { placeholder: `${name}-filtered`, class: "mid" });
  const near = input("dedup-near", { type: "checkbox" }), threshold = input("dedup-threshold", { type: "number", value: 6, min: 0, max: 64, class: "short" });
  const dedupTarget = input("dedup-target", { placeholder: name, class: "mid" });
  const map = input("relabel-map", { placeholder: "old=new, …", class: "mid" }), relabelTarget = input("relabel-target", { placeholder: name, class: "mid" });
  const others = h("select", { id: "merge-with", multiple: true, size: Math.min(5, Math.max(2, datasets.length)) }, datasets.filter(d => d !== name).map(d => h("option", { value: d }, d)));
  const conflict = h("select", { id: "merge-conflict" }, ["fail", "first", "last", "union"].map(s => h("option", { value: s }, s)));
  const mergeTarget = input("merge-target", { placeholder: `${name}-merged`, class: "mid" });
  // Synth (`seer dataset synth` as a job): this version's items pasted onto photos from a server folder.
  const synthTarget = input("synth-target", { placeholder: `${name}-synth`, class: "mid", required: true });
  const synthBackgrounds = input("synth-backgrounds", { placeholder: "folder of photos on the server", class: "mid", required: true });
  const synthClasses = h("select", { id: "synth-classes", multiple: true, size: Math.min(6, Math.max(2, classes.length)) }, classes.map(c => h("option", { value: c }, c)));
  const synthCount = input("synth-count", { type: "number", min: 1, value: 1000, class: "short" }), synthSize = input("synth-size", { value: "256x256", class: "short" });
  const synthMin = input("synth-min-size", { type: "number", min: 8, value: 24, class: "short" }), synthMax = input("synth-max-size", { type: "number", min: 8, value: 96, class: "short" });
  const synthMinObjects = input("synth-min-objects", { type: "number", min: 0, value: 1, class: "short" }), synthMaxObjects = input("synth-max-objects", { type: "number", min: 1, value: 4, class: "short" });
  const synthOverlap = input("synth-max-overlap", { type: "number", min: 0, max: 1, step: "any", value: 0.1, class: "short" });
  const synthEncoding = h("select", { id: "synth-encoding" }, ["jpg", "png"].map(f => h("option", { value: f }, f)));
  const synthSeed = input("synth-seed", { type: "number", value: 1, class: "short" });
  const synth = async (e) => {
    e.preventDefault();
    const [width, height] = synthSize.value.toLowerCase().split("x").map(Number);
    const parameters = {
      dataset: synthTarget.value, backgrounds: synthBackgrounds.value, items: name, classes: picked(synthClasses), count: Number(synthCount.value), width, height,
      min_size: Number(synthMin.value), max_size: Number(synthMax.value), min_objects: Number(synthMinObjects.value), max_objects: Number(synthMaxObjects.value),
      max_overlap: Number(synthOverlap.value), encoding: synthEncoding.value, seed: Number(synthSeed.value) };
    try {
      const job = await api("/api/jobs", json("POST", { kind: "synth", parameters }));
      location.hash = `#/job/${job.id}`;
    } catch (err) { out.replaceChildren(fail(err)); }
  };
  const format = h("select", { id: "export-format" }, FORMATS.map(f => h("option", { value: f }, f)));
  const download = h("a", { id: "export-download", href: `/api/datasets/${enc(name)}/export.zip?format=coco`, download: "" }, "Download .zip");
  format.onchange = () => download.setAttribute("href", `/api/datasets/${enc(name)}/export.zip?format=${enc(format.value)}`);
  const picked = (select) => [...select.selectedOptions].map(o => o.value);
  const section = (title, submitId, onsubmit, ...fields) => h("form", { class: "action", onsubmit }, h("h3", {}, title), ...fields, " ", h("button", { type: "submit", id: submitId }, title));
  return card("Dataset actions",
    h("div", { class: "actions" },
      section("Split", "split-submit", run(`/api/datasets/${enc(name)}/split`, () => ({ ratios: numbers(ratios.value), seed: Number(splitSeed.value), prefix: prefix.value || null })),
        h("label", {}, "Ratios ", ratios), h("label", {}, "Seed ", splitSeed), h("label", {}, "Prefix ", prefix)),
      section("Sample", "sample-submit", run(`/api/datasets/${enc(name)}/sample`, () => ({
        count: count.value ? Number(count.value) : null, fraction: fraction.value ? Number(fraction.value) : null, stratified: stratified.checked, seed: Number(sampleSeed.value), target: sampleTarget.value || null })),
        count, " or ", fraction, h("label", {}, stratified, " stratified"), h("label", {}, "Seed ", sampleSeed), h("label", {}, "Into ", sampleTarget)),
      section("Filter", "filter-submit", run(`/api/datasets/${enc(name)}/filter`, () => ({ labels: picked(labels), state: state.value, exclude: list(exclude.value), target: filterTarget.value || null })),
        h("label", {}, "Labels ", labels), h("label", {}, "State ", state), exclude, h("label", {}, "Into ", filterTarget)),
      section("Dedup", "dedup-submit", run(`/api/datasets/${enc(name)}/dedup`, () => ({ near: near.checked, threshold: Number(threshold.value), target: dedupTarget.value || null })),
        h("label", {}, near, " near duplicates (perceptual hash), distance ≤ ", threshold), h("label", {}, "Into ", dedupTarget)),
      section("Relabel", "relabel-submit", run(`/api/datasets/${enc(name)}/relabel`, () => ({
        map: Object.fromEntries(list(map.value).map(p => p.split("=").map(s => s.trim())).filter(p => p.length === 2 && p[0] && p[1])), target: relabelTarget.value || null })),
        h("label", {}, "Map ", map), h("label", {}, "Into ", relabelTarget)),
      section("Merge", "merge-submit", run("/api/datasets/merge", () => ({ sources: [name, ...picked(others)], target: mergeTarget.value || null, on_conflict: conflict.value })),
        h("label", {}, `${name} with `, others), h("label", {}, "On conflict ", conflict), h("label", {}, "Into ", mergeTarget)),
      section("Synth", "synth-submit", synth,
        h("label", {}, "Into ", synthTarget), h("label", {}, "Photos ", synthBackgrounds), h("label", {}, "Item classes ", synthClasses),
        h("label", {}, "Images ", synthCount), h("label", {}, "Size ", synthSize), h("label", {}, "Item side ", synthMin, "–", synthMax),
        h("label", {}, "Objects ", synthMinObjects, "–", synthMaxObjects), h("label", {}, "Max IoU ", synthOverlap), h("label", {}, "Encoding ", synthEncoding),
        h("label", {}, "Seed ", synthSeed)),
      h("div", { class: "action" }, h("h3", {}, "Export"), h("label", {}, "Format ", format), " ", download)),
    out);
}

/** The import form's formats: every format the CLI reads. */
export const IMPORT_FORMATS = ["voc", "coco", "yolo", "folders", "labelme", "idx", "cvat", "labelstudio"];

/** The import job's report: counts, rejected files, warnings and new labels (from the job's result and its log). */
export async function importReport(job) {
  const r = job.result;
  const logs = await api(`/api/jobs/${job.id}/logs`).catch(() => []);
  const warnings = logs.filter(l => l.level === "warning");
  return h("div", { id: "import-report" },
    h("p", { class: "state-succeeded" }, `Imported ${r.images} images into ${r.dataset} (${r.labelled} labelled, ${r.objects} objects; ${r.rejected} rejected, ${r.warnings} warnings). `,
      h("a", { href: `#/browse/${enc(r.dataset)}` }, "Browse them"), " · ", h("a", { href: `#/gallery/${enc(r.dataset)}` }, "Open the gallery")),
    r.new_labels?.length ? h("p", { id: "import-new-labels" }, `New labels: ${r.new_labels.join(", ")}`) : null,
    warnings.length ? h("details", {}, h("summary", {}, `${warnings.length} warning(s) and rejected file(s)`), h("ul", {}, warnings.map(w => h("li", {}, w.message)))) : null);
}
