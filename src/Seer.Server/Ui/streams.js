// Streams page (#/streams): every video stream the server analyses, with its health and latest snapshots (clean crops);
// admins start and stop streams here. Data: GET /api/streams, /api/streams/ID/snapshots, POST /api/streams/ID/start|stop.
import { view, h, api, card, fail } from "/dom.js";

let streamTimer = null;

export function stopStreamPolling() {
  if (streamTimer) { clearInterval(streamTimer); streamTimer = null; }
}

const fmt = (v, digits = 1) => (typeof v === "number" ? v.toFixed(digits) : "—");

function healthRow(s) {
  const hl = s.health || {};
  const action = async (what) => {
    try { await api(`/api/streams/${encodeURIComponent(s.config.id)}/${what}`, { method: "POST" }); await render(); }
    catch (err) { view.prepend(fail(err)); }
  };
  return h("tr", { "data-stream": s.config.id },
    h("td", {}, s.config.id), h("td", { class: "source" }, s.config.source), h("td", {}, s.config.model),
    h("td", { class: "state" }, hl.state || "stopped"), h("td", {}, fmt(hl.input_fps)), h("td", {}, fmt(hl.analysed_fps)),
    h("td", {}, fmt(hl.lag_ms, 0)), h("td", {}, hl.dropped ?? 0), h("td", {}, hl.reconnects ?? 0), h("td", {}, hl.snapshots ?? 0),
    h("td", {}, s.config.running
      ? h("button", { type: "button", onclick: () => action("stop") }, "Stop")
      : h("button", { type: "button", onclick: () => action("start") }, "Start")));
}

async function snapshotStrip(id) {
  const snaps = await api(`/api/streams/${encodeURIComponent(id)}/snapshots`);
  if (snaps.length === 0) return h("p", { class: "muted" }, `${id}: no snapshots yet`);
  return h("div", { class: "gallery snapshots", "data-stream": id },
    snaps.map(s => h("figure", { class: "tile" },
      h("a", { href: `/api/streams/${encodeURIComponent(id)}/snapshots/${s.seq}/frame.jpg`, target: "_blank" },
        h("img", { src: `/api/streams/${encodeURIComponent(id)}/snapshots/${s.seq}/crop.jpg`, alt: `track ${s.event.track_id}`, loading: "lazy" })),
      h("figcaption", {}, `#${s.event.track_id} ${s.event.label} q=${s.event.quality.toFixed(2)} f${s.event.best_frame}`))));
}

async function render() {
  const list = await api("/api/streams");
  const table = list.length === 0
    ? h("p", {}, "No streams yet. Create one with POST /api/streams (see docs/video.md).")
    : h("table", { id: "streams" },
        h("tr", {}, ["Id", "Source", "Model", "State", "Input fps", "Analysed fps", "Lag ms", "Dropped", "Reconnects", "Snapshots", ""].map(t => h("th", {}, t))),
        list.map(healthRow));
  const strips = await Promise.all(list.map(s => snapshotStrip(s.config.id)));
  view.replaceChildren(card("Streams", table), card("Latest snapshots", ...strips));
}

export async function streamsPage() {
  stopStreamPolling();
  await render();
  streamTimer = setInterval(() => { if (location.hash.startsWith("#/streams")) render().catch(() => {}); else stopStreamPolling(); }, 2000);
}
