// Training launcher, job detail with live curves, models (metrics, curves, PR curves) and side-by-side comparison.
import { barChart, lineChart, pairedBars, colorOf } from "/charts.js";
import { view, h, api, json, card, fail } from "/dom.js";
import { modelExtras, compareVerdict } from "/modelextras.js";

let timer = null;
export function stopPolling() { clearTimeout(timer); timer = null; }

const fixed = (v, d = 4) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");
const final = (s) => s === "succeeded" || s === "failed" || s === "cancelled";
const preferred = { detect: ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR100"], classify: ["top1", "top5", "macro_f1", "weighted_f1", "macro_precision", "macro_recall"] };
function metricKeys(task, ...metrics) {
  // COCO reports -1 for an area range with no ground truth (e.g. APs without small objects): not a score, not shown
  const keys = (preferred[task] ?? []).filter(k => metrics.some(m => typeof m?.[k] === "number" && m[k] >= 0));
  return keys.length ? keys : Object.keys(metrics[0] ?? {}).filter(k => typeof metrics[0][k] === "number").slice(0, 6);
}
const rounded = (obj, keys) => Object.fromEntries(keys.map(k => [k, Number((obj?.[k] ?? 0) < 0 ? 0 : (obj?.[k] ?? 0).toFixed(3))]));

function curveCharts(curves, metricName, idPrefix = "chart") {
  const loss = [{ name: "training loss", points: curves.map(c => [c.epoch, c.loss]), color: "#e0572b" }];
  const metric = [{ name: `validation ${metricName}`, points: curves.filter(c => c.metric != null).map(c => [c.epoch, c.metric]), color: "#1d9a6c" }];
  return h("div", { class: "row" },
    card("Loss per epoch", lineChart(loss, { id: `${idPrefix}-loss`, xLabel: "epoch", yLabel: "loss", xMin: 1, integerX: true })),
    card(`Validation ${metricName} per epoch`, lineChart(metric, { id: `${idPrefix}-metric`, xLabel: "epoch", yLabel: metricName, xMin: 1, yMin: 0, integerX: true })));
}

function prChart(evaluation, id) {
  const curves = evaluation?.pr_curves ?? [];
  if (!curves.length) return h("p", {}, evaluation ? "This task has no PR curves." : "Not evaluated yet.");
  // Drawn as the interpolated curve evaluators integrate: at each recall, the best precision reached at that recall or beyond.
  const envelope = (c) => {
    const p = [...c.precision];
    for (let i = p.length - 2; i >= 0; i--) p[i] = Math.max(p[i], p[i + 1]);
    return [[0, p[0] ?? 0], ...c.recall.map((r, i) => [r, p[i]])];
  };
  return lineChart(curves.map(c => ({ name: `${c.class} (AP50 ${fixed(c.ap50, 3)})`, color: colorOf(c.class), points: envelope(c) })),
    { id, xLabel: "recall", yLabel: "precision", xMin: 0, xMax: 1, yMin: 0, yMax: 1, step: true, width: 460, height: 300 });
}

export async function trainPage(preselect) {
  const list = await api("/api/datasets");
  if (!list.length) { view.replaceChildren(card("Train a model", h("p", {}, "No datasets yet. ", h("a", { href: "#/import" }, "Import one first.")))); return; }
  const names = list.map(d => d.name);
  const train = h("select", { id: "train-dataset" }, names.map(n => h("option", { value: n, selected: n === preselect }, n)));
  const val = h("select", { id: "train-val" }, h("option", { value: "" }, "(the training set)"), names.map(n => h("option", { value: n }, n)));
  const task = h("select", { id: "train-task" }, ["detect", "classify"].map(t => h("option", { value: t }, t)));
  const epochs = h("input", { id: "train-epochs", type: "number", min: 1, value: 10, style: "width:5rem" });
  const size = h("input", { id: "train-size", type: "number", min: 32, step: 32, value: 256, style: "width:5rem" });
  const batch = h("input", { id: "train-batch", type: "number", min: 1, value: 8, style: "width:5rem" });
  const maxBatches = h("input", { id: "train-max-batches", type: "number", min: 0, value: 0, style: "width:5rem", title: "0 = every batch" });
  const name = h("input", { id: "train-name", placeholder: "(the model id)" });
  const preview = h("div", { id: "train-preview" });
  const message = h("div");
  task.onchange = () => { size.value = task.value === "detect" ? 256 : 64; };
  const showPreview = async () => {
    preview.replaceChildren(h("p", {}, "Reading the label distribution…"));
    try {
      const s = await api(`/api/datasets/${encodeURIComponent(train.value)}/stats`);
      // The task follows the data: boxes → detect; labelled images without boxes → classify (the server refuses a misfit).
      const boxes = Object.values(s.box_area_ranges ?? {}).reduce((a, b) => a + b, 0);
      const fits = boxes > 0 ? "detect" : s.labelled > 0 ? "classify" : task.value;
      if (fits !== task.value) { task.value = fits; task.onchange(); }
      preview.replaceChildren(
        h("p", {}, `${train.value}: ${s.images} images, ${s.labelled} labelled, ${s.instances} objects in ${s.classes.length} classes (imbalance ratio ${s.imbalance_ratio.toFixed(1)}).`),
        ...s.warnings.map(w => h("div", { class: "warn" }, w)),
        barChart(s.instances_per_class, { id: "train-labels" }));
    } catch (err) { preview.replaceChildren(fail(err)); }
  };
  train.onchange = showPreview;
  const submit = async (e) => {
    e.preventDefault();
    const parameters = { task: task.value, train: train.value, epochs: Number(epochs.value), image_size: Number(size.value), batch_size: Number(batch.value), max_batches_per_epoch: Number(maxBatches.value) };
    if (val.value) parameters.val = val.value;
    if (name.value) parameters.serve_as = name.value;
    try {
      const job = await api("/api/jobs", json("POST", { kind: "training", parameters }));
      location.hash = `#/job/${job.id}`;
    } catch (err) { message.replaceChildren(fail(err)); }
  };
  view.replaceChildren(
    card("Train a model", h("form", { onsubmit: submit },
      h("p", {}, h("label", {}, "Training set ", train), " ", h("label", {}, "Validation set ", val), " ", h("label", {}, "Task ", task)),
      h("p", {}, h("label", {}, "Epochs ", epochs), " ", h("label", {}, "Image size ", size), " ", h("label", {}, "Batch ", batch), " ",
        h("label", {}, "Max batches per epoch ", maxBatches), " ", h("label", {}, "Serve as ", name)),
      h("button", { type: "submit", id: "train-submit" }, "Start training")), message),
    card("Label distribution of the training set", preview));
  await showPreview();
}

export async function jobPage(id) {
  const head = h("div"), extra = h("div"), logs = h("div");
  view.replaceChildren(head, extra, logs);
  const render = async () => {
    const [job, lines] = await Promise.all([api(`/api/jobs/${id}`), api(`/api/jobs/${id}/logs`)]);
    const pct = job.state === "succeeded" ? 100 : job.progress_total ? Math.round(100 * job.progress_done / job.progress_total) : 0;
    const actions = !final(job.state)
      ? h("button", { class: "secondary", id: "job-cancel", onclick: () => api(`/api/jobs/${id}/cancel`, { method: "POST" }).then(render) }, "Cancel")
      : job.state !== "succeeded" ? h("button", { id: "job-retry", onclick: async () => { const r = await api(`/api/jobs/${id}/retry`, { method: "POST" }); location.hash = `#/job/${r.id}`; } }, "Retry") : null;
    head.replaceChildren(card(`Job ${job.id}: ${job.kind}`,
      h("p", {}, "State: ", h("b", { id: "job-state", class: `state-${job.state}` }, job.state), ` · attempt ${job.attempt} · by ${job.created_by} · `,
        job.run_seconds != null ? `ran ${job.run_seconds.toFixed(1)} s` : `queued ${job.queued_seconds.toFixed(0)} s`, " ", actions),
      h("div", { class: "progress wide" }, h("div", { class: "bar", style: `width:${pct}%` })),
      h("p", { id: "job-stage" }, job.progress_stage ? `${job.progress_stage} (${job.progress_done}/${job.progress_total ?? "?"})` : ""),
      job.error ? h("div", { class: "error" }, job.error) : null));
    if (job.kind === "training") {
      const c = await api(`/api/jobs/${id}/curves`);
      extra.replaceChildren(
        h("p", {}, `Model ${c.model ?? "(not reserved yet)"} · ${c.curves.length} of ${c.epochs ?? "?"} epochs done `,
          job.state === "succeeded" ? h("a", { id: "open-model", href: `#/model/${encodeURIComponent(job.result.model)}` }, "Open the model") : null),
        curveCharts(c.curves, c.primary_metric));
    } else if (job.kind === "iteration") {
      const project = job.parameters.project;
      extra.replaceChildren(h("p", {}, `Project ${project}, bringing it to round ${job.parameters.round}. `,
        h("a", { id: "open-project", href: `#/project/${encodeURIComponent(project)}` }, "Open the project")),
        job.result ? card("Result", resultTable(job.result)) : null);
    } else if (job.result) extra.replaceChildren(card("Result", resultTable(job.result)));
    logs.replaceChildren(card("Log", h("table", { id: "job-log", class: "log" }, lines.map(l =>
      h("tr", { class: `log-${l.level}` }, h("td", {}, new Date(l.at).toLocaleTimeString()), h("td", {}, l.level), h("td", {}, l.message))))));
    if (!final(job.state) && location.hash === `#/job/${id}`) timer = setTimeout(() => render().catch(() => {}), 1000);
  };
  await render();
}

function resultTable(result) {
  const rows = Object.entries(result).filter(([, v]) => v === null || typeof v !== "object" || Array.isArray(v) && v.every(x => typeof x !== "object"));
  return h("table", { class: "kv" }, rows.map(([k, v]) => h("tr", {}, h("th", {}, k.replaceAll("_", " ")),
    h("td", {}, Array.isArray(v) ? v.join(", ") : typeof v === "number" && !Number.isInteger(v) ? v.toFixed(4) : String(v ?? "–")))));
}

export async function modelsPage() {
  const [trained, served] = await Promise.all([api("/api/trained-models"), api("/api/models")]);
  const message = h("div");
  const rows = trained.map(m => h("tr", {},
    h("td", {}, h("input", { type: "checkbox", "data-model": m.id })),
    h("td", { class: "nowrap" }, h("a", { href: `#/model/${encodeURIComponent(m.id)}` }, m.id)),
    h("td", {}, `${m.task} · ${m.architecture}`), h("td", {}, m.train_dataset.replace(/@(.{8}).*/, "@$1")),
    h("td", {}, m.primary_metric ? `${m.primary_metric} ${fixed(m.primary_value)}` : "–",
      h("div", { class: "progress" }, h("div", { class: "bar", style: `width:${Math.round(100 * Math.max(0, Math.min(1, m.primary_value || 0)))}%` }))),
    h("td", { class: `state-${m.status === "ready" ? "succeeded" : "running"}` }, m.status),
    h("td", {}, m.served_as.map(n => h("a", { href: `#/verify/${encodeURIComponent(n)}` }, n))),
    h("td", {}, new Date(m.created_at).toLocaleString())));
  const compare = h("button", { id: "compare", type: "button", onclick: () => {
    const picked = [...document.querySelectorAll("input[data-model]:checked")].map(c => c.dataset.model);
    if (picked.length !== 2) { message.replaceChildren(h("div", { class: "warn" }, "Tick exactly two models to compare them.")); return; }
    location.hash = `#/compare/${encodeURIComponent(picked[0])}/${encodeURIComponent(picked[1])}`;
  } }, "Compare the two ticked models");
  const byMetric = Object.fromEntries(trained.filter(m => m.status === "ready").map(m => [m.served_as[0] ?? m.id.slice(-12), Number((m.primary_value || 0).toFixed(3))]));
  view.replaceChildren(
    card("Trained models", trained.length === 0 ? h("p", {}, "No trained models yet. ", h("a", { href: "#/train" }, "Train one.")) : h("div", {},
      h("table", { id: "models" }, h("tr", {}, ["", "Model", "Task", "Trained on", "Validation", "Status", "Served as", "Created"].map(t => h("th", {}, t))), rows),
      h("p", {}, compare), message)),
    Object.keys(byMetric).length ? card("Primary validation metric by model", barChart(byMetric, { id: "chart-models", color: "#2f6fde", max: 1 })) : null,
    card("Served models (image API)", served.length === 0 ? h("p", {}, "None yet.") : h("table", {}, h("tr", {}, ["Name", "ONNX file", "By", ""].map(t => h("th", {}, t))),
      served.map(s => h("tr", {}, h("td", {}, s.name), h("td", { class: "path" }, s.onnx_path), h("td", {}, s.created_by),
        h("td", {}, h("a", { href: `#/verify/${encodeURIComponent(s.name)}` }, "verify")))))));
}

export async function modelPage(id) {
  const [m, datasets] = await Promise.all([api(`/api/trained-models/${encodeURIComponent(id)}`), api("/api/datasets")]);
  const s = m.summary, ev = m.evaluation;
  const metrics = ev?.metrics ?? s.metrics;
  const keys = metricKeys(s.task, metrics);
  const perClass = ev?.metrics?.per_class_AP50 ?? null;
  const dataset = h("select", { id: "evaluate-dataset" }, datasets.map(d => h("option", { value: d.name }, d.name)));
  const message = h("div");
  const evaluate = async (e) => {
    e.preventDefault();
    try { const job = await api(`/api/trained-models/${encodeURIComponent(s.id)}/evaluate`, json("POST", { dataset: dataset.value })); location.hash = `#/job/${job.id}`; }
    catch (err) { message.replaceChildren(fail(err)); }
  };
  view.replaceChildren(
    card(`Model ${s.id}`,
      h("table", { class: "kv", id: "model-summary" },
        [["Status", s.status], ["Task", `${s.task} · ${s.architecture} · ${s.image_size} px`], ["Classes", s.classes.join(", ")],
         ["Trained on", s.train_dataset], ["Validated on", s.val_dataset], [`Best ${s.primary_metric}`, `${fixed(s.primary_value)} at epoch ${s.best_epoch} of ${s.epochs}`],
         ["Training time", `${s.training_seconds.toFixed(1)} s`], ["Served as", s.served_as.join(", ") || "–"]]
          .map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))),
      h("p", {}, s.served_as.length ? h("a", { id: "verify-this", href: `#/verify/${encodeURIComponent(s.served_as[0])}` }, "Verify this model on an image") : null)),
    h("div", { class: "row" },
      card(ev ? `Metrics on ${ev.dataset.replace(/@(.{8}).*/, "@$1")}` : "Validation metrics (best epoch)", barChart(rounded(metrics, keys), { id: "chart-metrics", color: "#2f6fde", max: 1 })),
      perClass ? card("AP50 per class", barChart(rounded(perClass, Object.keys(perClass)), { id: "chart-per-class", max: 1 })) : null,
      card("Precision-recall at IoU 0.5", prChart(ev, "chart-pr"))),
    curveCharts(m.curves, s.primary_metric, "model"),
    card("Evaluate on another dataset", h("form", { onsubmit: evaluate }, dataset, " ", h("button", { type: "submit", id: "evaluate-submit" }, "Evaluate")), message));
  view.append(...await modelExtras(m));
}

export async function comparePage(a, b) {
  const [ma, mb] = await Promise.all([api(`/api/trained-models/${encodeURIComponent(a)}`), api(`/api/trained-models/${encodeURIComponent(b)}`)]);
  const A = ma.evaluation?.metrics ?? ma.summary.metrics, B = mb.evaluation?.metrics ?? mb.summary.metrics;
  const keys = metricKeys(ma.summary.task, A, B);
  const names = [ma.summary.served_as[0] ?? a.slice(-12), mb.summary.served_as[0] ?? b.slice(-12)];
  const rows = keys.map(k => {
    const d = (B?.[k] ?? NaN) - (A?.[k] ?? NaN);
    return h("tr", {}, h("th", {}, k), h("td", {}, fixed(A?.[k])), h("td", {}, fixed(B?.[k])),
      h("td", { class: d > 0 ? "state-succeeded" : d < 0 ? "state-failed" : "" }, Number.isFinite(d) ? (d > 0 ? "+" : "") + d.toFixed(4) : "–"));
  });
  const overlay = (field, label, id) => lineChart([
    { name: names[0], points: ma.curves.filter(c => c[field] != null).map(c => [c.epoch, c[field]]) },
    { name: names[1], points: mb.curves.filter(c => c[field] != null).map(c => [c.epoch, c[field]]) }], { id, xLabel: "epoch", yLabel: label, xMin: 1, integerX: true });
  view.replaceChildren(
    card(`Compare ${names[0]} and ${names[1]}`,
      h("table", { id: "compare-table", class: "kv" }, h("tr", {}, h("th", {}, "Metric"), h("th", {}, names[0]), h("th", {}, names[1]), h("th", {}, "B − A")), rows),
      h("p", {}, `A: ${ma.summary.train_dataset} · ${ma.summary.architecture} ${ma.summary.epochs} epochs — B: ${mb.summary.train_dataset} · ${mb.summary.architecture} ${mb.summary.epochs} epochs`),
      compareVerdict(ma.summary, mb.summary, names)),
    h("div", { class: "row" },
      card("Metrics side by side", pairedBars(keys, A ?? {}, B ?? {}, { id: "compare-metrics", names, max: 1 })),
      card("Training loss", overlay("loss", "loss", "compare-loss")),
      card(`Validation ${ma.summary.primary_metric}`, overlay("metric", ma.summary.primary_metric, "compare-metric"))),
    h("div", { class: "row" },
      card(`PR curves: ${names[0]}`, prChart(ma.evaluation, "compare-pr-a")),
      card(`PR curves: ${names[1]}`, prChart(mb.evaluation, "compare-pr-b"))));
}
