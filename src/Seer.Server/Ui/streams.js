// Streams page (#/streams): every video stream the server analyses, with its health and latest snapshots (clean crops);
// admins create streams (source, served detector or face bundle, fps, threshold, attributes and features models,
// interval, sinks) and start and stop them here. Data: GET /api/streams, /api/streams/ID/snapshots, /api/models,
// POST /api/streams, /api/streams/ID/start|stop.
import { view, h, api, json, card, fail } from "/dom.js";

let streamTimer = null;

export function stopStreamPolling() {
  if (streamTimer) { clearInterval(streamTimer); streamTimer = null; }
}

const fmt = (v, digits = 1) => (typeof v === "number" ? v.toFixed(digits) : "—");

function healthRow(s) {
  const hl = s.health || {};
  const action = async (what) => {
    try { await api(`/api/streams/${encodeURIComponent(s.config.id)}/${what}`, { method: "POST" }); await render(); }
    catch (err) { document.getElementById("stream-message")?.replaceChildren(fail(err)); }
  };
  return h("tr", { "data-stream": s.config.id },
    h("td", {}, s.config.id), h("td", { class: "source" }, s.config.source), h("td", {}, s.config.model),
    h("td", { class: "state" }, hl.state || "stopped"), h("td", {}, fmt(hl.input_fps)), h("td", {}, fmt(hl.analysed_fps)),
    h("td", {}, fmt(hl.lag_ms, 0)), h("td", {}, hl.dropped ?? 0), h("td", {}, hl.reconnects ?? 0), h("td", {}, hl.snapshots ?? 0),
    h("td", { class: "extras" }, [s.config.attributes && `attributes ${s.config.attributes}`, s.config.features && `features ${s.config.features}`,
      s.config.interval && `every ${s.config.interval} s`].filter(Boolean).join(", ")),
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

// The live part of the page (streams table and snapshots), redrawn every 2 s; the form above it is drawn once.
const live = () => document.getElementById("streams-live");

async function render() {
  const list = await api("/api/streams");
  const table = list.length === 0
    ? h("p", {}, "No streams yet.")
    : h("table", { id: "streams" },
        h("tr", {}, ["Id", "Source", "Model", "State", "Input fps", "Analysed fps", "Lag ms", "Dropped", "Reconnects", "Snapshots", "Snapshot models", ""].map(t => h("th", {}, t))),
        list.map(healthRow));
  const strips = await Promise.all(list.map(s => snapshotStrip(s.config.id)));
  live()?.replaceChildren(card("Streams", table), card("Latest snapshots", ...strips));
}

// Admins: the stream form. Models are the served ones (/api/models); the server checks each fits its field.
function streamForm(models) {
  const input = (id, attrs = {}) => h("input", { id, name: id, autocomplete: "off", ...attrs });
  const pick = (id, optional) => h("select", { id, name: id },
    optional ? h("option", { value: "" }, "(none)") : null, models.map(m => h("option", { value: m.name }, m.name)));
  const f = {
    source: input("stream-source", { placeholder: "file path or rtsp://...", required: true, size: 40 }),
    model: pick("stream-model", false),
    fps: input("stream-fps", { type: "number", min: "0.1", step: "any", placeholder: "all" }),
    threshold: input("stream-threshold", { type: "number", min: "0", max: "1", step: "any", placeholder: "default" }),
    attributes: pick("stream-attributes", true),
    features: pick("stream-features", true),
    interval: input("stream-interval", { type: "number", min: "0.1", step: "any", placeholder: "track end only" }),
    sinks: input("stream-sinks", { placeholder: "disk:DIR, webhook:URL, mqtt://HOST:PORT/TOPIC, dataset:NAME", size: 50 }),
  };
  const num = (el) => (el.value === "" ? undefined : Number(el.value));
  const submit = async (e) => {
    e.preventDefault();
    const body = {
      source: f.source.value, model: f.model.value, fps: num(f.fps), threshold: num(f.threshold),
      attributes: f.attributes.value || undefined, features: f.features.value || undefined, interval: num(f.interval),
      sinks: f.sinks.value.split(",").map(s => s.trim()).filter(Boolean),
    };
    try {
      const created = await api("/api/streams", json("POST", body));
      document.getElementById("stream-message").replaceChildren(h("p", {}, `Stream ${created.config.id} created; start it below.`));
      await render();
    } catch (err) { document.getElementById("stream-message").replaceChildren(fail(err)); }
  };
  const row = (label, el) => h("label", {}, label, " ", el);
  return card("New stream",
    h("form", { id: "stream-form", onsubmit: submit },
      h("div", {}, row("Source", f.source), " ", row("Model", f.model), " ", row("Analysed fps", f.fps), " ", row("Threshold", f.threshold)),
      h("div", {}, row("Attributes (classifier)", f.attributes), " ", row("Features (embed model)", f.features), " ",
        row("Interval s", f.interval)),
      h("div", {}, row("Sinks", f.sinks), " ", h("button", { type: "submit", id: "stream-submit" }, "Create stream"))));
}

export async function streamsPage() {
  stopStreamPolling();
  const me = await api("/api/auth/me");
  const form = me.role === "admin" ? streamForm(await api("/api/models")) : null;
  view.replaceChildren(...[form, h("div", { id: "stream-message" }), h("div", { id: "streams-live" })].filter(Boolean));
  await render();
  streamTimer = setInterval(() => { if (location.hash.startsWith("#/streams")) render().catch(() => {}); else stopStreamPolling(); }, 2000);
}
