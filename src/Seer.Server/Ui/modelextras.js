// The model page's extras: confusion matrix, per-class precision/recall/F1, learning-rate curve, the job's parameters,
// every evaluation run (history) and the ONNX download. Appended below the model page of models.js.
import { lineChart } from "/charts.js";
import { h, api, card } from "/dom.js";

const fixed = (v, d = 3) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");

/** A confusion matrix as a table: rows truth, columns predicted, cells shaded by their share of the row. */
export function confusionTable(labels, counts, id) {
  return h("div", { class: "scroll" }, h("table", { id, class: "confusion" },
    h("tr", {}, h("th", {}, "truth \\ predicted"), labels.map(l => h("th", { class: "vertical" }, l))),
    counts.map((row, r) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return h("tr", {}, h("th", {}, labels[r]), row.map((n, c) => {
        const td = h("td", { class: r === c ? "diag" : n ? "off" : "" , title: `${labels[r]} → ${labels[c]}: ${n}` }, n);
        td.style.setProperty("--share", (n / total).toFixed(3));
        return td;
      }));
    })));
}

function matrixOf(metrics) {
  const cm = metrics?.confusion_matrix;
  if (!cm) return null;
  if (Array.isArray(cm)) return { labels: metrics.classes ?? [], counts: cm, note: "classification: arg-max prediction per image" };
  return { labels: cm.labels, counts: cm.counts, note: `detection at score ≥ ${cm.score_threshold}, IoU ≥ ${cm.iou_threshold}; background row/column for misses and false alarms` };
}

function perClassTable(metrics) {
  const pc = metrics?.per_class;
  if (pc && typeof pc === "object" && Object.values(pc).every(v => v && typeof v.precision === "number"))
    return h("table", { id: "per-class" }, h("tr", {}, ["Class", "Precision", "Recall", "F1", "Support"].map(t => h("th", {}, t))),
      Object.entries(pc).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, fixed(v.precision)), h("td", {}, fixed(v.recall)), h("td", {}, fixed(v.f1)), h("td", {}, v.support ?? "–"))));
  const counts = metrics?.counts?.per_class;
  if (counts)
    return h("table", { id: "per-class" }, h("tr", {}, ["Class", "TP", "FP", "FN", "Precision", "Recall", "F1"].map(t => h("th", {}, t))),
      Object.entries(counts).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v.tp), h("td", {}, v.fp), h("td", {}, v.fn), h("td", {}, fixed(v.precision)), h("td", {}, fixed(v.recall)), h("td", {}, fixed(v.f1)))));
  return h("p", {}, "No per-class figures in this evaluation.");
}

export async function modelExtras(model) {
  const s = model.summary;
  const history = await api(`/api/trained-models/${encodeURIComponent(s.id)}/evaluations`);
  const latest = history[0];
  const matrix = matrixOf(latest?.metrics);
  const lr = model.curves.filter(c => typeof c.lr === "number").map(c => [c.epoch, c.lr]);
  const params = Object.entries(model.parameters ?? {}).filter(([, v]) => v === null || typeof v !== "object");
  const primary = s.primary_metric;
  return [
    h("div", { class: "row" },
      card(latest ? `Confusion matrix on ${latest.dataset.replace(/@(.{8}).*/, "@$1")}` : "Confusion matrix",
        matrix ? [h("p", { class: "muted" }, matrix.note), confusionTable(matrix.labels, matrix.counts, "confusion")] : h("p", {}, "Evaluate the model to see its confusion matrix.")),
      card("Per class", h("div", { class: "scroll" }, perClassTable(latest?.metrics)))),
    h("div", { class: "row" },
      card("Learning rate per epoch", lr.length ? lineChart([{ name: "learning rate", points: lr, color: "#8a5cd1" }], { id: "model-lr", xLabel: "epoch", yLabel: "lr", xMin: 1, yMin: 0, integerX: true }) : h("p", {}, "No epochs recorded.")),
      card("Training parameters", h("div", { class: "scroll" }, h("table", { class: "kv", id: "model-parameters" },
        params.map(([k, v]) => h("tr", {}, h("th", {}, k.replaceAll("_", " ")), h("td", {}, String(v ?? "–")))))))),
    card("Evaluation history", history.length === 0 ? h("p", {}, "Not evaluated yet.") : h("div", { class: "scroll" }, h("table", { id: "evaluations" },
      h("tr", {}, ["When", "Dataset", primary, "Change"].map(t => h("th", {}, t))),
      history.map((e, i) => {
        const v = e.metrics?.[primary], prev = history[i + 1]?.metrics?.[primary];
        const d = typeof v === "number" && typeof prev === "number" ? v - prev : null;
        return h("tr", {}, h("td", {}, new Date(e.created_at).toLocaleString()), h("td", {}, e.dataset.replace(/@(.{10}).*/, "@$1")), h("td", {}, fixed(v, 4)),
          h("td", { class: d > 0 ? "state-succeeded" : d < 0 ? "state-failed" : "" }, d == null ? "–" : `${d > 0 ? "+" : ""}${d.toFixed(4)}`));
      })))),
    card("Download", s.status === "ready" ? h("a", { id: "onnx-download", href: `/api/trained-models/${encodeURIComponent(s.id)}/model.onnx`, download: `${s.id}.onnx` }, `ONNX model (${s.id}.onnx)`)
      : h("p", {}, `The model is ${s.status}; only a finished model can be downloaded.`)),
  ];
}

/** Which side of a comparison is newer and which is better on the primary metric (A = first, B = second). */
export function compareVerdict(a, b, names) {
  const ta = Date.parse(a.created_at), tb = Date.parse(b.created_at);
  const side = (isB) => `${isB ? "B" : "A"} (${names[isB ? 1 : 0]})`;
  const newer = ta === tb ? "both made at the same time" : `${side(tb > ta)}, made ${new Date(Math.max(ta, tb)).toLocaleString()}`;
  const va = a.primary_value, vb = b.primary_value;
  const better = typeof va !== "number" || typeof vb !== "number" ? "no validation metric on both sides" : va === vb ? `equal on ${a.primary_metric}` :
    `${side(vb > va)} on ${a.primary_metric}: ${fixed(Math.max(va, vb), 4)} vs ${fixed(Math.min(va, vb), 4)}`;
  return h("p", { id: "compare-verdict" }, h("b", {}, "Newer: "), newer, " · ", h("b", {}, "Better: "), better);
}
