// Home page: recent jobs, projects with their metric trend, recent models and datasets, with links into each.
import { lineChart } from "/charts.js";
import { view, h, api, card } from "/dom.js";

const fixed = (v, d = 3) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");

export async function homePage() {
  const [jobs, projects, models, datasets] = await Promise.all([
    api("/api/jobs?limit=8"), api("/api/projects"), api("/api/trained-models"), api("/api/datasets")]);
  const trends = await Promise.all(projects.slice(0, 4).map(p => api(`/api/projects/${encodeURIComponent(p.name)}/iterations`).catch(() => null)));
  const projectCards = projects.slice(0, 4).map((p, i) => {
    const key = p.primary_metric;
    const points = (trends[i]?.iterations ?? []).filter(r => r.state === "done" && r.metric != null && r.labelled != null).map(r => [r.labelled, r.metric]);
    return card(null, h("h3", {}, h("a", { href: `#/project/${encodeURIComponent(p.name)}` }, p.name)),
      h("p", {}, `${p.task} · ${p.rounds} round(s) · ${key ?? "metric"} ${fixed(p.latest_metric)}`),
      points.length > 1 ? lineChart([{ name: key, points, color: "#1d9a6c" }], { width: 320, height: 160, xLabel: "labelled images", yLabel: key, yMin: 0 }) : null);
  });
  view.replaceChildren(
    card("Recent jobs", jobs.length === 0 ? h("p", {}, "No jobs yet.") : h("div", { class: "scroll" }, h("table", { id: "home-jobs" },
      h("tr", {}, ["#", "Kind", "State", "By", "Stage"].map(t => h("th", {}, t))),
      jobs.map(j => h("tr", {}, h("td", {}, h("a", { href: `#/job/${j.id}` }, j.id)), h("td", {}, j.kind), h("td", { class: `state-${j.state}` }, j.state),
        h("td", {}, j.created_by), h("td", {}, j.progress_stage ?? "")))))),
    h("div", { class: "row", id: "home-projects" }, projectCards.length ? projectCards : [card("Projects", h("p", {}, "No projects yet. ", h("a", { href: "#/projects" }, "Create one.")))]),
    h("div", { class: "row" },
      card("Models", models.length === 0 ? h("p", {}, h("a", { href: "#/train" }, "Train a model.")) : h("ul", { id: "home-models" },
        models.slice(0, 6).map(m => h("li", {}, h("a", { href: `#/model/${encodeURIComponent(m.id)}` }, m.served_as[0] ?? m.id), ` ${m.task} · ${m.status} · ${m.primary_metric ?? ""} ${fixed(m.primary_value)}`)))),
      card("Datasets", datasets.length === 0 ? h("p", {}, h("a", { href: "#/import" }, "Import a dataset.")) : h("ul", { id: "home-datasets" },
        datasets.map(d => h("li", {}, h("a", { href: `#/dataset/${encodeURIComponent(d.name)}` }, d.name), ` ${d.images} images · `,
          h("a", { href: `#/browse/${encodeURIComponent(d.name)}` }, "browse")))))));
}
