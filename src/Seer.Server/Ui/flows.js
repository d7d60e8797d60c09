// Flow runs (admin): #/flows lists runs and starts one (a flow job: POST /api/jobs kind "flow"); #/flow/RUN shows a
// run's steps with state, timings, errors, outputs and a link to each card (self-contained HTML, opened as is).
import { view, h, api, json, card, fail } from "/dom.js";

let timer = null;
export function stopFlows() { clearInterval(timer); timer = null; }

const seconds = (a, b) => a && b ? ((new Date(b) - new Date(a)) / 1000).toFixed(1) : "";
const when = (t) => t ? new Date(t).toISOString().replace("T", " ").slice(0, 19) : "";

export async function flowsPage() {
  const status = h("p", { id: "flow-status" });
  const text = h("textarea", { id: "flow-text", rows: 10, cols: 80, placeholder: "name: my-flow\nsteps:\n  - id: hello\n    op: echo\n    with: {greeting: hi}" });
  const params = h("input", { id: "flow-params", size: 60, placeholder: '{"images": 600}' });
  const start = async (e) => {
    e.preventDefault();
    try {
      const parameters = { flow: text.value };
      if (params.value.trim()) parameters.params = JSON.parse(params.value);
      const job = await api("/api/jobs", json("POST", { kind: "flow", parameters }));
      status.replaceChildren("Started as ", h("a", { href: `#/job/${job.id}` }, `job ${job.id}`), "; the run appears below when it is recorded.");
      await render();
    } catch (err) { status.replaceChildren(fail(err)); }
  };
  const list = h("div");
  const render = async () => {
    const runs = await api("/api/flows");
    list.replaceChildren(runs.length === 0 ? h("p", {}, "No flow runs yet.") :
      h("table", { id: "flow-runs" }, h("tr", {}, ["Run", "Flow", "State", "Started", "Seconds", "Outputs"].map(t => h("th", {}, t))),
        runs.map(r => h("tr", {}, h("td", {}, h("a", { href: `#/flow/${encodeURIComponent(r.run)}` }, r.run)), h("td", {}, r.name),
          h("td", { class: `state-${r.state}` }, r.state), h("td", {}, when(r.created_at)), h("td", {}, seconds(r.created_at, r.finished_at)),
          h("td", {}, h("code", {}, r.outputs ? JSON.stringify(r.outputs).slice(0, 160) : ""))))));
  };
  await render();
  view.replaceChildren(card("Flow runs", list),
    card("Run a flow", h("p", {}, "YAML or JSON as in docs/flows.md (schema docs/flow.schema.json); runs as a job on the job runner."),
      h("form", { onsubmit: start }, h("p", {}, text), h("p", {}, h("label", {}, "Parameters (JSON) ", params)),
        h("button", { type: "submit", id: "flow-start" }, "Run")), status));
  timer = setInterval(() => { if (location.hash.startsWith("#/flows")) render().catch(() => {}); else stopFlows(); }, 2000);
}

export async function flowPage(run) {
  const render = async () => {
    const r = await api(`/api/flows/${encodeURIComponent(run)}`);
    const rows = r.steps.map(s => h("tr", { "data-key": s.key },
      h("td", {}, s.key), h("td", { class: `state-${s.state}` }, s.state), h("td", {}, when(s.started_at)),
      h("td", {}, s.seconds != null ? s.seconds.toFixed(1) : ""),
      h("td", {}, s.card_url ? h("a", { href: s.card_url, target: "_blank", rel: "noopener", class: "flow-card" }, "card") : ""),
      h("td", {}, s.error ? h("span", { class: "error" }, s.error) : h("details", {}, h("summary", {}, "outputs"), h("pre", {}, JSON.stringify(s.outputs, null, 1))))));
    view.replaceChildren(card(`Flow run ${r.run}`,
      h("p", {}, `${r.name}: `, h("strong", { id: "flow-state", class: `state-${r.state}` }, r.state),
        ` · started ${when(r.created_at)}`, r.finished_at ? ` · ${seconds(r.created_at, r.finished_at)} s` : "", " · ", h("a", { href: "#/flows" }, "all runs")),
      r.error ? h("p", { class: "error" }, r.error) : null,
      r.outputs ? h("pre", { id: "flow-outputs" }, JSON.stringify(r.outputs, null, 1)) : null,
      h("table", { id: "flow-steps" }, h("tr", {}, ["Step", "State", "Started", "Seconds", "Card", "Outputs / error"].map(t => h("th", {}, t))), rows)));
    return r.state;
  };
  try {
    const state = await render();
    if (state === "running") timer = setInterval(async () => {
      if (!location.hash.startsWith("#/flow/")) return stopFlows();
      try { if (await render() !== "running") stopFlows(); } catch { stopFlows(); }
    }, 1500);
  } catch (err) { view.replaceChildren(fail(err)); }
}
