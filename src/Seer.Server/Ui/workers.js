// Workers page (#/workers): where jobs run — the server's own runner, or the cluster's workers with their state
// (active, joining, shutting_down, dead), CPU threads, GPUs and running jobs. Data: GET /api/workers.
import { view, h, api, card } from "/dom.js";

let workerTimer = null;

export function stopWorkerPolling() {
  if (workerTimer) { clearInterval(workerTimer); workerTimer = null; }
}

function row(w) {
  return h("tr", { "data-worker": w.name },
    h("td", {}, w.name), h("td", { class: `state state-${w.state}` }, w.state), h("td", {}, String(w.cpu)),
    h("td", {}, w.gpus.length === 0 ? "none" : w.gpus.map(g => `cuda:${g}`).join(" ")),
    h("td", { class: "jobs" }, w.jobs.length === 0 ? "idle" : w.jobs.map(id => h("a", { href: `#/job/${id}` }, `#${id} `))));
}

async function render() {
  const list = await api("/api/workers");
  const table = list.length === 0
    ? h("p", {}, "No workers. Start one with `seer worker --cpu N` on the server's SEER_DB (see docs/scale-out.md).")
    : h("table", { id: "workers" },
        h("tr", {}, ["Name", "State", "CPU threads", "GPUs", "Running jobs"].map(t => h("th", {}, t))),
        list.map(row));
  view.replaceChildren(card("Workers", table));
}

export async function workersPage() {
  stopWorkerPolling();
  await render();
  workerTimer = setInterval(() => { if (location.hash.startsWith("#/workers")) render().catch(() => {}); else stopWorkerPolling(); }, 2000);
}
