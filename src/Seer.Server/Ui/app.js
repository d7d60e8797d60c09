// Seer web UI: plain ES module, no build step. Hash routes: #/login, #/datasets, #/dataset/NAME, #/gallery/NAME,
// #/import, #/jobs, #/job/ID, #/train, #/models, #/model/ID, #/compare/A/B, #/verify[/MODEL], #/labels, #/projects, #/project/NAME,
// #/home, #/browse/NAME[?filters], #/image/NAME@VERSION/INDEX, #/map/NAME[?model=], #/admin, #/streams, #/flows, #/flow/RUN, #/label[/TASK[/IMAGE]], #/review/TASK/IMAGE, #/clusters/NAME.
// Every call goes to the REST API with the session cookie.
import { barChart, lineageGraph, colorOf } from "/charts.js";
import { view, h, api, json, card, fail } from "/dom.js";
import { trainPage, jobPage, modelsPage, modelPage, comparePage, stopPolling } from "/models.js";
import { projectsPage, projectPage } from "/projects.js";
import { browsePage, imagePage, stopBrowse } from "/browse.js";
import { mapPage } from "/map.js";
import { actionsCard, IMPORT_FORMATS, IMPORT_FORMAT_NAMES, importReport } from "/actions.js";
import { adminPage } from "/admin.js";
import { homePage } from "/home.js";
import { streamsPage } from "/streams.js";
import { labelingPage } from "/labeling-tasks.js";
import { flowsPage, flowPage, stopFlows } from "/flows.js";
import { clustersPage } from "/clusters.js";


async function login() {
  document.getElementById("nav").hidden = true;
  const name = h("input", { id: "login-name", autocomplete: "username" });
  const password = h("input", { id: "login-password", type: "password", autocomplete: "current-password" });
  const message = h("div");
  const form = h("form", { class: "card login", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("/api/auth/login", json("POST", { name: name.value, password: password.value }));
      // Back to the page that asked for the sign-in (a deep link), else home.
      const back = sessionStorage.getItem("seer-after-login");
      sessionStorage.removeItem("seer-after-login");
      if (back && back !== location.hash) location.hash = back; else if (location.hash !== "#/home") location.hash = "#/home"; else route();
    }
    catch (err) { message.replaceChildren(fail(err)); }
  } }, h("h2", {}, "Sign in to Seer"), h("label", {}, "User", name), h("label", {}, "Password", password),
    h("button", { type: "submit", id: "login-submit" }, "Sign in"), message);
  view.replaceChildren(form);
}

async function datasets() {
  const list = await api("/api/datasets");
  const rows = list.map(d => h("tr", {}, h("td", {}, h("a", { href: `#/dataset/${encodeURIComponent(d.name)}` }, d.name)),
    h("td", {}, d.head.slice(0, 12)), h("td", {}, d.versions), h("td", {}, d.images), h("td", {}, d.labelled),
    h("td", {}, h("a", { href: `#/browse/${encodeURIComponent(d.name)}` }, "browse"), " · ", h("a", { href: `#/gallery/${encodeURIComponent(d.name)}` }, "gallery"))));
  view.replaceChildren(card("Datasets", list.length === 0 ? h("p", {}, "No datasets yet. ", h("a", { href: "#/import" }, "Import one.")) :
    h("table", { id: "datasets" }, h("tr", {}, ["Name", "Head", "Versions", "Images", "Labelled", ""].map(t => h("th", {}, t))), rows)));
}

async function dataset(name) {
  const [versions, lineage, stats, all] = await Promise.all([
    api(`/api/datasets/${encodeURIComponent(name)}/versions`), api(`/api/datasets/${encodeURIComponent(name)}/lineage`),
    api(`/api/datasets/${encodeURIComponent(name)}/stats`), api("/api/datasets")]);
  const warnings = stats.warnings.map(w => h("div", { class: "warn" }, w));
  view.replaceChildren(
    card(`${name}`, h("p", {}, `${stats.images} images, ${stats.labelled} labelled, ${stats.instances} objects, ${stats.classes.length} classes; imbalance ratio ${stats.imbalance_ratio.toFixed(1)}. `,
      h("a", { href: `#/browse/${encodeURIComponent(name)}` }, "Browse the images"), " · ", h("a", { href: `#/gallery/${encodeURIComponent(name)}` }, "Open the gallery"),
      stats.classes.some(c => /^cluster-\d+$/.test(c)) ? [" · ", h("a", { id: "review-clusters", href: `#/clusters/${encodeURIComponent(name)}` }, "Review clusters")] : null), ...warnings),
    h("div", { class: "row" },
      card("Objects per label", barChart(stats.instances_per_class, { id: "chart-labels" })),
      card("Box sizes (area)", barChart(stats.box_area_ranges, { id: "chart-sizes", color: "#8a5cd1" })),
      card("Boxes per image", barChart(stats.boxes_per_image_histogram, { color: "#1d9a6c" }))),
    h("div", { class: "row" },
      card("Versions", h("table", {}, h("tr", {}, ["Version", "Operation", "Images", "Created"].map(t => h("th", {}, t))),
        versions.map(v => h("tr", {}, h("td", {}, v.version.slice(0, 12)), h("td", {}, v.operation), h("td", {}, v.image_count), h("td", {}, new Date(v.created_at).toLocaleString()))))),
      card("Lineage", lineageGraph(lineage))),
    actionsCard(name, stats.classes, all.map(d => d.name)));
}

async function gallery(name) {
  const page = await api(`/api/datasets/${encodeURIComponent(name)}/images?limit=60`);
  const shown = new Set(page.classes);
  const tiles = h("div", { class: "gallery", id: "gallery" });
  const draw = async (images) => {
    tiles.replaceChildren(...images.map(img => tile(img, shown, 320)));
  };
  const toggles = h("div", { class: "toggles" }, page.classes.map(c => h("label", {},
    h("input", { type: "checkbox", checked: true, "data-label": c, onchange: (e) => { e.target.checked ? shown.add(c) : shown.delete(c); draw(page.images); } }),
    h("span", { class: "swatch", style: `background:${colorOf(c)}` }), c)));
  const random = h("div", { class: "big", id: "random" });
  const randomButton = h("button", { id: "random-image", type: "button", onclick: async () => {
    const img = await api(`/api/datasets/${encodeURIComponent(name)}/images/random`);
    random.replaceChildren(tile(img, shown, 720));
  } }, "Random image");
  view.replaceChildren(card(`Gallery: ${name} (${page.total} images)`, toggles, h("p", {}, randomButton), random), tiles);
  draw(page.images);
}

function tile(img, shown, size) {
  const canvas = h("canvas");
  const picture = new Image();
  picture.onload = () => {
    const scale = Math.min(1, size / Math.max(img.width, img.height));
    canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
    const g = canvas.getContext("2d");
    g.drawImage(picture, 0, 0, canvas.width, canvas.height);
    g.lineWidth = 2; g.font = "12px sans-serif";
    for (const o of img.objects) {
      if (!shown.has(o.label)) continue;
      const [x1, y1, x2, y2] = o.box.map(v => v * scale);
      g.strokeStyle = colorOf(o.label); g.strokeRect(x1, y1, x2 - x1, y2 - y1);
      g.fillStyle = colorOf(o.label); g.fillText(o.label + (o.score != null ? ` ${o.score.toFixed(2)}` : ""), x1 + 2, Math.max(12, y1 - 2));
    }
    canvas.dataset.loaded = "true";
  };
  picture.src = size > 400 ? `/api/blobs/${img.hash}` : `/api/blobs/${img.hash}/thumbnail?size=${size}`;
  return h("div", { class: "tile" }, canvas, h("div", { class: "name" }, `${img.file_name} · ${img.objects.length} objects`));
}

async function importPage() {
  const dataset = h("input", { id: "import-dataset", value: "sample" });
  const format = h("select", { id: "import-format" }, IMPORT_FORMATS.map(f => h("option", { value: f }, IMPORT_FORMAT_NAMES[f] ?? f)));
  const path = h("input", { id: "import-path", size: 60, placeholder: "/absolute/folder/or/archive.zip on the server" });
  const file = h("input", { id: "import-file", type: "file", accept: ".zip" });
  const status = h("div", { id: "import-status" });
  const submit = async (e) => {
    e.preventDefault();
    try {
      let job;
      if (file.files.length > 0) {
        const form = new FormData(); form.append("dataset", dataset.value); form.append("format", format.value); form.append("file", file.files[0]);
        job = await api("/api/datasets/import", { method: "POST", body: form });
      } else job = await api("/api/datasets/import", json("POST", { dataset: dataset.value, format: format.value, path: path.value }));
      status.replaceChildren(h("p", {}, `Job ${job.id} queued… `));
      const done = await api(`/api/jobs/${job.id}/wait?timeout=120`);
      status.replaceChildren(done.state === "succeeded" ? await importReport(done)
        : h("div", { class: "error" }, `Job ${done.id} ${done.state}: ${done.error ?? ""}`));
    } catch (err) { status.replaceChildren(fail(err)); }
  };
  view.replaceChildren(card("Import a dataset", h("form", { onsubmit: submit },
    h("p", {}, h("label", {}, "Dataset ", dataset), " ", h("label", {}, "Format ", format)),
    h("p", {}, h("label", {}, "Server path ", path)), h("p", {}, h("label", {}, "or upload a .zip ", file)),
    h("button", { type: "submit", id: "import-submit" }, "Import")), status));
}

let jobTimer = null;
async function jobs() {
  const render = async () => {
    const list = await api("/api/jobs?limit=50");
    const rows = list.map(j => h("tr", {}, h("td", {}, h("a", { href: `#/job/${j.id}` }, j.id)), h("td", {}, j.kind), h("td", { class: `state-${j.state}` }, j.state),
      h("td", {}, h("div", { class: "progress", title: `${j.progress_done}/${j.progress_total ?? "?"}` },
        h("div", { class: "bar", style: `width:${j.state === "succeeded" ? 100 : j.progress_total ? Math.round(100 * j.progress_done / j.progress_total) : 0}%` })),
        j.progress_stage ?? ""),
      h("td", {}, j.run_seconds != null ? `${j.run_seconds.toFixed(1)} s` : `queued ${j.queued_seconds.toFixed(0)} s`),
      h("td", {}, j.error ?? ""),
      h("td", {}, j.state === "queued" || j.state === "running" ? h("button", { class: "secondary", onclick: () => api(`/api/jobs/${j.id}/cancel`, { method: "POST" }).then(render) }, "Cancel")
        : j.state !== "succeeded" ? h("button", { onclick: () => api(`/api/jobs/${j.id}/retry`, { method: "POST" }).then(render) }, "Retry") : "")));
    view.replaceChildren(card("Jobs", h("table", { id: "jobs" }, h("tr", {}, ["#", "Kind", "State", "Progress", "Time", "Error", ""].map(t => h("th", {}, t))), rows)));
  };
  await render();
  jobTimer = setInterval(() => { if (location.hash.startsWith("#/jobs")) render().catch(() => {}); }, 1000);
}

async function verify(preselect) {
  const models = await api("/api/models");
  const model = h("select", { id: "verify-model" }, models.map(m => h("option", { value: m.name, selected: m.name === preselect }, m.name)));
  const threshold = h("input", { id: "verify-threshold", type: "range", min: 0, max: 1, step: 0.05, value: 0.5 });
  const shownThreshold = h("span", {}, "0.50");
  threshold.oninput = () => shownThreshold.textContent = Number(threshold.value).toFixed(2);
  const file = h("input", { id: "verify-file", type: "file", accept: "image/*" });
  const out = h("div", { id: "verify-result" });
  const run = async (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    const form = new FormData(); form.append("image", file.files[0]);
    try {
      const r = await api(`/api/models/${encodeURIComponent(model.value)}/analyze?threshold=${threshold.value}`, { method: "POST", body: form });
      const url = URL.createObjectURL(file.files[0]);
      const img = { hash: null, width: r.image.width, height: r.image.height, objects: r.objects, file_name: r.image.name };
      const canvas = h("canvas"); const picture = new Image();
      picture.onload = () => {
        const scale = Math.min(1, 900 / Math.max(img.width, img.height));
        canvas.width = img.width * scale; canvas.height = img.height * scale;
        const g = canvas.getContext("2d"); g.drawImage(picture, 0, 0, canvas.width, canvas.height); g.lineWidth = 3; g.font = "14px sans-serif";
        for (const o of img.objects) { const [x1, y1, x2, y2] = o.box.map(v => v * scale); g.strokeStyle = g.fillStyle = colorOf(o.label || "object");
          g.strokeRect(x1, y1, x2 - x1, y2 - y1); g.fillText(`${o.label ?? ""} ${o.score?.toFixed(2) ?? ""}`, x1 + 2, Math.max(14, y1 - 3)); }
      };
      picture.src = url;
      out.replaceChildren(h("p", {}, `${r.objects.length} detections at threshold ${r.threshold}`), h("div", { class: "big" }, canvas));
    } catch (err) { out.replaceChildren(fail(err)); }
  };
  view.replaceChildren(card("Verify a model", models.length === 0 ? h("p", {}, "No models are served yet (an admin registers one: POST /api/models).") :
    h("form", { onsubmit: run }, h("p", {}, h("label", {}, "Model ", model), " ", h("label", {}, "Threshold ", threshold, shownThreshold)),
      h("p", {}, file, " ", h("button", { type: "submit", id: "verify-submit" }, "Detect"))), out));
}

async function labels() {
  const space = await api("/api/labels");
  const alias = h("input", { id: "alias-name", placeholder: "alias" });
  const canonical = h("input", { id: "alias-canonical", placeholder: "label" });
  const message = h("div");
  view.replaceChildren(card("Label space",
    h("p", {}, space.labels.map(l => h("span", { style: "margin-right:1rem" }, h("span", { class: "swatch", style: `background:${colorOf(l)}` }), l))),
    h("h3", {}, "Aliases"), h("table", {}, h("tr", {}, h("th", {}, "Alias"), h("th", {}, "Means")), Object.entries(space.aliases).map(([a, c]) => h("tr", {}, h("td", {}, a), h("td", {}, c)))),
    h("form", { onsubmit: async (e) => { e.preventDefault(); try { await api("/api/labels/aliases", json("POST", { alias: alias.value, canonical: canonical.value })); labels(); } catch (err) { message.replaceChildren(fail(err)); } } },
      alias, " means ", canonical, " ", h("button", { type: "submit" }, "Add alias")), message));
}

async function route() {
  clearInterval(jobTimer);
  stopPolling();
  stopBrowse();
  stopFlows();
  const [, page, arg, arg2] = location.hash.split("/");
  const wanted = location.hash; // the API helper moves to #/login on a 401: keep the deep link first
  if (page !== "login") {
    try {
      const me = await api("/api/auth/me");
      document.getElementById("nav").hidden = false;
      document.getElementById("who").textContent = `${me.name} (${me.role})`;
      // labellers only have their labelling tasks
      for (const a of document.querySelectorAll("#nav a")) a.hidden = me.role === "labeller" && a.getAttribute("href") !== "#/label";
      if (me.role === "labeller" && page !== "label" && page !== "review") { location.hash = "#/label"; return; }
    } catch {
      if (wanted && wanted !== "#/login") sessionStorage.setItem("seer-after-login", wanted);
      return login();
    }
  }
  const name = arg ? decodeURIComponent(arg) : null;
  try {
    switch (page) {
      case "login": return login();
      case "home": return await homePage();
      case "datasets": return await datasets();
      case "browse": return await browsePage(location.hash.split("/").slice(2).join("/"));
      case "image": return await imagePage(name, arg2);
      case "map": return await mapPage(location.hash.split("/").slice(2).join("/"));
      case "admin": return await adminPage();
      case "dataset": return await dataset(name);
      case "gallery": return await gallery(name);
      case "clusters": return await clustersPage(name);
      case "import": return await importPage();
      case "jobs": return await jobs();
      case "verify": return await verify(name);
      case "train": return await trainPage(name);
      case "job": return await jobPage(name);
      case "models": return await modelsPage();
      case "model": return await modelPage(name);
      case "compare": return await comparePage(name, decodeURIComponent(arg2 ?? ""));
      case "labels": return await labels();
      case "projects": return await projectsPage();
      case "project": return await projectPage(name);
      case "streams": return await streamsPage();
      case "flows": return await flowsPage();
      case "flow": return await flowPage(name);
      case "label": case "review": return await labelingPage(page, arg, arg2);
      default: return await homePage();
    }
  } catch (err) { view.replaceChildren(fail(err)); }
}

document.getElementById("logout").addEventListener("click", async () => { await api("/api/auth/logout", { method: "POST" }); location.hash = "#/login"; });
window.addEventListener("hashchange", route);
route();
