// Active-learning projects: the list (with a creation form) and a project's page (metric trend over the labelled
// images per round, the iterations table, and a form that queues the next iteration as a job).
import { lineChart, barChart } from "/charts.js";
import { view, h, api, json, card, fail } from "/dom.js";
import { projectLabeling, projectHandoff } from "/labeling-tasks.js";

const fixed = (v, d = 4) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");
const when = (t) => (t ? new Date(t).toLocaleString() : "–");
const seconds = (s) => (typeof s === "number" ? (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`) : "–");

export async function projectsPage() {
  const [list, datasets] = await Promise.all([api("/api/projects"), api("/api/datasets")]);
  const rows = list.map(p => h("tr", {},
    h("td", {}, h("a", { href: `#/project/${encodeURIComponent(p.name)}` }, p.name)),
    h("td", {}, p.owner ?? "(shared)"), h("td", {}, p.task), h("td", {}, p.rounds),
    h("td", {}, p.latest_metric != null ? `${p.primary_metric} ${fixed(p.latest_metric)}` : "–",
      p.latest_metric != null ? h("div", { class: "progress" }, h("div", { class: "bar", style: `width:${Math.round(100 * Math.max(0, Math.min(1, p.latest_metric)))}%` })) : null),
    h("td", {}, p.latest_labelled ?? "–"),
    h("td", {}, when(p.created_at))));
  const names = datasets.map(d => d.name);
  const pick = (id, optional) => h("select", { id }, optional ? h("option", { value: "" }, "(none)") : null, names.map(n => h("option", { value: n }, n)));
  const name = h("input", { id: "project-name", placeholder: "name" });
  const task = h("select", { id: "project-task" }, ["classify", "detect"].map(t => h("option", { value: t }, t)));
  const train = pick("project-train"), val = pick("project-val"), pool = pick("project-pool"), test = pick("project-test", true);
  const message = h("div");
  const create = async (e) => {
    e.preventDefault();
    try {
      const body = { name: name.value, task: task.value, train: train.value, val: val.value, pool: pool.value };
      if (test.value) body.test = test.value;
      const p = await api("/api/projects", json("POST", body));
      location.hash = `#/project/${encodeURIComponent(p.name)}`;
    } catch (err) { message.replaceChildren(fail(err)); }
  };
  view.replaceChildren(
    card("Projects", list.length === 0 ? h("p", {}, "No projects yet: create one below from a labelled training set, a validation set and an unlabelled pool.") :
      h("table", { id: "projects" }, h("tr", {}, ["Project", "Owner", "Task", "Rounds done", "Latest metric", "Labelled", "Created"].map(t => h("th", {}, t))), rows)),
    card("New project", names.length === 0 ? h("p", {}, "Import datasets first.") : h("form", { onsubmit: create },
      h("p", {}, h("label", {}, "Name ", name), " ", h("label", {}, "Task ", task)),
      h("p", {}, h("label", {}, "Training set ", train), " ", h("label", {}, "Validation set ", val), " ", h("label", {}, "Pool ", pool), " ", h("label", {}, "Test set ", test)),
      h("button", { type: "submit", id: "project-submit" }, "Create project")), message));
}

export async function projectPage(name) {
  const [p, it, datasets, labeling] = await Promise.all([api(`/api/projects/${encodeURIComponent(name)}`),
    api(`/api/projects/${encodeURIComponent(name)}/iterations`), api("/api/datasets"), projectLabeling(name)]);
  const metric = it.primary_metric;
  const rounds = it.iterations;
  const done = rounds.filter(r => r.state === "done" && r.metric != null && r.labelled != null);
  const trend = lineChart([{ name: `${metric} on ${p.test ?? p.val}`, color: "#2f6fde", points: done.map(r => [r.labelled, r.metric, `round ${r.round}`]) }],
    { id: "chart-trend", width: 520, height: 280, xLabel: "labelled training images", yLabel: metric, yMin: 0, xMin: 0, integerX: true,
      // headroom for the round labels above the points
      xMax: Math.max(1, ...done.map(r => r.labelled)) * 1.12, yMax: Math.min(1, Math.max(0.01, ...done.map(r => r.metric)) * 1.2 + 0.01) });
  const steps = (r) => r.steps.map(s => `${s.step} ${s.state === "done" ? seconds(s.seconds) : s.state}`).join(" · ");
  const rows = rounds.map(r => h("tr", { "data-round": r.round },
    h("td", {}, r.round), h("td", { class: `state-${r.state === "done" ? "succeeded" : "running"}` }, r.state),
    h("td", {}, r.strategy ?? "initial model"), h("td", {}, r.mined ?? "–"), h("td", {}, r.labelled ?? "–"),
    h("td", {}, fixed(r.metric)),
    h("td", { class: r.trend?.[metric] > 0 ? "state-succeeded" : r.trend?.[metric] < 0 ? "state-failed" : "" },
      r.trend?.[metric] != null ? (r.trend[metric] > 0 ? "+" : "") + r.trend[metric].toFixed(4) : "–"),
    h("td", { class: "nowrap" }, r.model ? h("a", { href: `#/model/${encodeURIComponent(r.model)}` }, r.model.slice(-14)) : "–"),
    h("td", { class: "nowrap" }, when(r.started_at)), h("td", { class: "nowrap" }, seconds(r.seconds)),
    h("td", { class: "steps" }, steps(r))));
  const latest = done.at(-1);
  const others = latest ? Object.fromEntries(Object.entries(latest.metrics).filter(([k, v]) => typeof v === "number" && v >= 0 && v <= 1 && k !== "samples")
    .slice(0, 8).map(([k, v]) => [k, Number(v.toFixed(3))])) : {};
  view.replaceChildren(
    card(`Project ${p.name}`, h("table", { class: "kv", id: "project-summary" },
      [["Task", p.task], ["Owner", p.owner ?? "(shared)"], ["Classes", p.classes.join(", ")], ["Training set", p.train], ["Validation set", p.val],
       ["Test set", p.test ?? "(the validation set)"], ["Pool", p.pool], ["Rounds done", p.rounds],
       [`Latest ${metric}`, p.latest_metric != null ? fixed(p.latest_metric) : "–"]].map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, String(v))))), labeling),
    projectHandoff(p.name, rounds),
    h("div", { class: "row" },
      card(`${metric} by labelled images, per round`, done.length ? trend : h("p", {}, "No finished round yet: run the first iteration below.")),
      latest ? card(`Metrics of round ${latest.round}`, barChart(others, { id: "chart-round-metrics", color: "#1d9a6c", max: 1 })) : null),
    card("Iterations", rounds.length === 0 ? h("p", {}, "None yet.") :
      h("table", { id: "iterations" }, h("tr", {}, ["Round", "State", "Strategy", "Mined", "Labelled", metric, "Change", "Model", "Started", "Took", "Steps"].map(t => h("th", {}, t))), rows)),
    nextIteration(p, rounds, datasets));
}

function nextIteration(p, rounds, datasets) {
  const next = rounds.filter(r => r.state === "done").length;
  // the form starts from the latest round's settings (the server keeps the ones not sent, e.g. the network width)
  const last = rounds.at(-1)?.settings ?? {};
  const training = last.training ?? {};
  const oracleName = (last.oracle ?? "").split("@")[0];
  const strategy = h("select", { id: "iterate-strategy" }, ["entropy", "margin", "least-confidence", "random", "diversity", "combined", "consistency"]
    .map(s => h("option", { value: s, selected: s === (last.strategy ?? "entropy") }, s)));
  const topk = h("input", { id: "iterate-topk", type: "number", min: 1, value: last.topk ?? 100, style: "width:5rem" });
  const oracle = h("select", { id: "iterate-oracle" }, h("option", { value: "" }, "(labelling tool hand-off)"),
    h("option", { value: "@seer", selected: !oracleName && last.tool === "seer" }, "(a labelling task in Seer)"),
    datasets.map(d => h("option", { value: d.name, selected: d.name === oracleName }, d.name)));
  const epochs = h("input", { id: "iterate-epochs", type: "number", min: 1, value: training.epochs ?? 3, style: "width:5rem" });
  const size = h("input", { id: "iterate-size", type: "number", min: 32, step: 32, value: training.imageSize || (p.task === "detect" ? 256 : 32), style: "width:5rem" });
  const message = h("div");
  const submit = async (e) => {
    e.preventDefault();
    const body = { strategy: strategy.value, topk: Number(topk.value), epochs: Number(epochs.value), image_size: Number(size.value) };
    body.oracle = oracle.value && oracle.value !== "@seer" ? oracle.value : null;
    if (!body.oracle) body.tool = oracle.value === "@seer" ? "seer" : (last.tool === "seer" ? "cvat" : last.tool ?? "cvat");
    try {
      const job = await api(`/api/projects/${encodeURIComponent(p.name)}/iterations`, json("POST", body));
      location.hash = `#/job/${job.id}`;
    } catch (err) { message.replaceChildren(fail(err)); }
  };
  return card(next === 0 ? "Train the initial model (round 0)" : `Run round ${next}`, h("form", { onsubmit: submit },
    h("p", {}, h("label", {}, "Strategy ", strategy), " ", h("label", {}, "Images per round ", topk), " ", h("label", {}, "Labels from ", oracle)),
    h("p", {}, h("label", {}, "Epochs ", epochs), " ", h("label", {}, "Image size ", size), " ",
      h("button", { type: "submit", id: "iterate-submit" }, "Queue the iteration"))), message);
}
