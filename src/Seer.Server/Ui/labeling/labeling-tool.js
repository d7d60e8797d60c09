// The annotation tool (#/label/TASK/IMAGE) and its review mode (#/review/TASK/IMAGE). Keys are listed in HELP (the "?"
// overlay) and docs/labelling.md. Every change goes to the server as a draft (PUT with the loaded revision) half a second
// after the last edit and before leaving the image; a stale revision (someone else saved) is reported, never overwritten.
import { view, h, api, json, fail } from "/dom.js";
import { colorOf } from "/charts.js";
import { LabelCanvas, boxOf, resizeBox } from "/labeling-canvas.js";

const HELP = [
  ["drag, or click + click", "draw a box (in the current class)"], ["1-9", "class of the selected box / of the next box (classification: toggle tag)"],
  ["click a box", "select it; drag it to move, drag a handle to resize"], ["Delete / Backspace", "delete the selected box"],
  ["click a dashed box / Enter", "accept a model box (Enter: the focused one)"], ["Tab", "focus the next model box"],
  ["X", "reject the focused model box"], ["Shift+A", "accept every model box at or above the threshold"],
  ["C", "copy the previous image's boxes"], ["wheel", "zoom at the cursor"], ["space + drag", "pan"], ["F", "fit the image"],
  ["Ctrl+Z / Ctrl+Shift+Z", "undo / redo"], ["D or →, A or ←", "next / previous image"], ["S", "submit the image and go to the next"],
  ["review: Y / Enter, R", "accept / reject with a comment"], ["?", "this help"], ["Esc", "cancel drawing, close help"],
];

let active = null; // AbortController of the tool on screen
const bitmaps = new Map(); // "task/image" -> Promise<ImageBitmap>: the next image is fetched while this one is edited

function bitmap(task, image) {
  const key = `${task}/${image}`;
  if (!bitmaps.has(key)) {
    const p = fetch(`/api/labeling/tasks/${task}/items/${image}/file`, { credentials: "same-origin" })
      .then(r => { if (!r.ok) throw new Error(`image ${image}: ${r.status}`); return r.blob(); }).then(b => createImageBitmap(b));
    p.catch(() => bitmaps.delete(key));
    bitmaps.set(key, p);
    if (bitmaps.size > 8) bitmaps.delete(bitmaps.keys().next().value);
  }
  return bitmaps.get(key);
}

const itemsAhead = new Map(); // "task/image" -> { at, promise }: the next image's JSON, used if under 30 s old (a stale
// revision would still be caught: the save answers 409 and nothing is overwritten)
function itemJson(task, image, fresh) {
  const key = `${task}/${image}`; const got = itemsAhead.get(key); itemsAhead.delete(key);
  if (!fresh && got && performance.now() - got.at < 30000) return got.promise;
  return api(`/api/labeling/tasks/${task}/items/${image}`);
}
function prefetchJson(task, image) {
  const promise = api(`/api/labeling/tasks/${task}/items/${image}`); promise.catch(() => {});
  itemsAhead.set(`${task}/${image}`, { at: performance.now(), promise });
}
const LIST_MAX = 400; // boxes listed by name in the side panel (all are drawn)

export async function labelTool(taskId, imageArg, review) {
  active?.abort();
  const ctl = new AbortController(); active = ctl;
  const on = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { signal: ctl.signal, ...opts });
  const [task, items, me] = await Promise.all([api(`/api/labeling/tasks/${taskId}`), api(`/api/labeling/tasks/${taskId}/items`), api("/api/auth/me")]);
  // the images this person steps through: the reviewer the submitted ones, a labeller its own (everyone's for the creator/admin)
  const mine = (i) => i.assignee === me.name || !task.assignees.includes(me.name);
  let order = items.filter(i => review ? i.state === "submitted" || Number(imageArg) === i.image : mine(i)).map(i => i.image);
  if (order.length === 0) order = items.map(i => i.image);
  let index = Math.max(0, order.indexOf(Number(imageArg)));
  const classify = task.kind === "classify";

  // ---- DOM
  const canvasEl = h("canvas", { id: "label-canvas", tabindex: "0" });
  const lc = new LabelCanvas(canvasEl);
  window.seerLabelCanvas = lc; // tests and bench read lc.stats and the view
  const title = h("span", { id: "label-title" });
  const stateEl = h("span", { id: "label-state" });
  const saveEl = h("span", { id: "label-save", class: "label-save" }, "");
  const banner = h("div", { id: "label-banner" });
  const search = h("input", { id: "class-search", placeholder: "search classes…", autocomplete: "off" });
  const classList = h("div", { id: "class-list", class: "class-list" });
  const tagList = h("div", { id: "tag-list", class: "class-list" });
  const objectList = h("ol", { id: "object-list", class: "object-list" });
  const predList = h("div", { id: "prediction-list" });
  const threshold = h("input", { id: "accept-threshold", type: "number", min: "0", max: "1", step: "0.05", value: "0.5" });
  const help = h("div", { id: "label-help", class: "label-help", hidden: true }, h("h3", {}, "Keys"),
    h("table", {}, HELP.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))), h("p", {}, "Esc or ? closes this."));
  const comment = h("input", { id: "review-comment", placeholder: "what to fix (required to reject)", size: 40 });
  const reviewBar = review ? h("div", { class: "review-bar" },
    h("button", { id: "review-accept", type: "button", onclick: () => verdict(true) }, "Accept (Y)"), " ", comment, " ",
    h("button", { id: "review-reject", type: "button", class: "secondary", onclick: () => verdict(false) }, "Reject (R)")) : null;
  const toolbar = h("div", { class: "label-toolbar" },
    h("a", { href: `#/label/${task.id}` }, `task ${task.id}`), " · ", title, " ", stateEl, " ", saveEl, " ",
    h("button", { type: "button", class: "secondary", id: "prev-image", onclick: () => go(index - 1) }, "◀ A"),
    h("button", { type: "button", class: "secondary", id: "next-image", onclick: () => go(index + 1) }, "D ▶"), " ",
    review ? null : h("button", { type: "button", id: "copy-previous", class: "secondary", onclick: () => copyPrevious() }, "Copy previous (C)"), " ",
    review ? null : h("button", { type: "button", id: "submit-image", onclick: () => submit() }, "Submit (S)"), " ",
    h("button", { type: "button", class: "secondary", onclick: () => toggleHelp() }, "Keys (?)"));
  const side = h("aside", { class: "label-side" },
    h("h3", {}, "Classes"), search, classList,
    classify ? h("div", {}, h("h3", {}, "Image tags"), tagList) : null,
    h("h3", {}, "Model boxes"), h("p", {}, "threshold ", threshold, " ", h("button", { type: "button", id: "accept-all", class: "secondary", onclick: () => acceptAbove() }, "Accept all ≥ (Shift+A)")), predList,
    h("h3", {}, "Boxes"), objectList);
  view.replaceChildren(h("div", { class: "label-page" }, toolbar, banner, reviewBar,
    h("div", { class: "label-main" }, h("div", { class: "label-stage" }, canvasEl, help), side)));
  lc.readOnly = review;

  // ---- state
  let item = null, current = 0, revision = 0;
  let undo = [], redo = [];
  let dirty = false, saving = null, saveTimer = null, conflict = false;
  const snap = () => JSON.stringify({ o: lc.objects, t: tags, p: lc.predictions });
  let tags = [];
  const restore = (s) => { const v = JSON.parse(s); lc.objects = v.o; tags = v.t; lc.predictions = v.p; lc.selected = -1; lc.focused = Math.min(lc.focused, lc.predictions.length - 1); };

  function change(fn) {
    if (review) return;
    undo.push(snap()); if (undo.length > 200) undo.shift(); redo = [];
    fn(); dirty = true; scheduleSave(); refresh();
  }
  function scheduleSave() { clearTimeout(saveTimer); saveTimer = setTimeout(() => save(), 500); saveEl.textContent = "unsaved"; }
  async function save() {
    clearTimeout(saveTimer);
    if (saving) await saving;
    if (!dirty || conflict || !item) return;
    const body = { objects: lc.objects, tags, predictions: lc.predictions, revision };
    dirty = false; saveEl.textContent = "saving…";
    const image = item.image;
    saving = api(`/api/labeling/tasks/${task.id}/items/${image}`, json("PUT", body)).then(r => {
      if (item && item.image === image) { revision = r.revision; item.state = r.state; stateEl.textContent = r.state; }
      saveEl.textContent = dirty ? "unsaved" : "saved"; saveEl.dataset.revision = r.revision;
    }).catch(err => {
      dirty = true;
      if (/revision/.test(err.message)) { conflict = true; banner.replaceChildren(h("div", { class: "error", id: "label-conflict" }, err.message, " ", h("button", { type: "button", onclick: () => load(current, true) }, "Reload"))); }
      else banner.replaceChildren(fail(err));
      saveEl.textContent = "not saved";
    }).finally(() => { saving = null; });
    await saving;
  }

  function refresh() {
    lc.request();
    const q = search.value.trim().toLowerCase();
    classList.replaceChildren(...task.classes.map((c, k) => [c, k]).filter(([c]) => !q || c.toLowerCase().includes(q)).map(([c, k]) =>
      h("button", { type: "button", class: `class-item${c === currentClass ? " current" : ""}`, "data-class": c, onclick: () => pickClass(c) },
        swatch(c), k < 9 ? `${k + 1} ` : "", c)));
    if (classify) tagList.replaceChildren(...task.classes.map((c, k) => h("label", { class: "tag-item" },
      h("input", { type: "checkbox", "data-tag": c, checked: tags.includes(c), onchange: () => toggleTag(c) }), swatch(c), k < 9 ? ` ${k + 1} ` : " ", c)));
    objectList.replaceChildren(...lc.objects.slice(0, LIST_MAX).map((o, i) => h("li", { class: i === lc.selected ? "current" : "", "data-label": o.label, "data-box": o.box.join(","),
      onclick: () => { lc.selected = i; refresh(); } }, swatch(o.label), `${o.label} [${o.box.join(", ")}]`)),
      ...(lc.objects.length > LIST_MAX ? [h("p", { class: "label-save" }, `… and ${lc.objects.length - LIST_MAX} more boxes (${lc.objects.length} in all)`)] : []));
    objectList.dataset.count = lc.objects.length;
    predList.replaceChildren(...lc.predictions.map((p, i) => h("div", { class: `prediction${i === lc.focused ? " current" : ""}`, "data-label": p.label, "data-score": p.score },
      swatch(p.label), `${p.label} ${p.score.toFixed(2)} `,
      review ? null : h("button", { type: "button", class: "small", onclick: () => acceptPrediction(i) }, "accept"), " ",
      review ? null : h("button", { type: "button", class: "small secondary", onclick: () => rejectPrediction(i) }, "reject"))));
  }
  const swatch = (c) => { const s = h("span", { class: "swatch" }); s.style.background = colorOf(c); return s; };

  let currentClass = task.classes[0];
  function pickClass(c) {
    currentClass = c;
    if (lc.selected >= 0 && lc.objects[lc.selected].label !== c) { const i = lc.selected; change(() => { lc.objects[i] = { ...lc.objects[i], label: c }; }); }
    else refresh();
  }
  function toggleTag(c) { change(() => { tags = tags.includes(c) ? tags.filter(t => t !== c) : [...tags, c]; }); }
  function acceptPrediction(i) {
    const p = lc.predictions[i]; if (!p) return;
    change(() => { lc.objects.push({ label: p.label, box: p.box.map(v => Math.round(v)) }); lc.predictions.splice(i, 1); lc.selected = lc.objects.length - 1; lc.focused = Math.min(i, lc.predictions.length - 1); });
  }
  function rejectPrediction(i) { if (!lc.predictions[i]) return; change(() => { lc.predictions.splice(i, 1); lc.focused = Math.min(i, lc.predictions.length - 1); }); }
  function acceptAbove() {
    const t = Number(threshold.value);
    change(() => {
      const keep = [];
      for (const p of lc.predictions) (p.score >= t ? (lc.objects.push({ label: p.label, box: p.box.map(v => Math.round(v)) }), null) : keep.push(p));
      lc.predictions = keep; lc.focused = keep.length ? 0 : -1;
    });
  }
  async function copyPrevious() {
    if (current === 0) return;
    const prev = await api(`/api/labeling/tasks/${task.id}/items/${order[current - 1]}`);
    change(() => { for (const o of prev.objects) lc.objects.push({ label: o.label, box: o.box.map(v => Math.min(v, 1e9)) }); });
  }
  function toggleHelp(show) { help.hidden = show === undefined ? !help.hidden : !show; }

  async function load(i, fresh) {
    current = Math.min(order.length - 1, Math.max(0, i)); index = current;
    const image = order[current];
    const started = performance.now();
    const [data, bmp] = await Promise.all([itemJson(task.id, image, fresh), bitmap(task.id, image)]);
    if (ctl.signal.aborted) return;
    item = data; revision = data.revision; conflict = false; dirty = false; undo = []; redo = [];
    lc.objects = data.objects.map(o => ({ label: o.label, box: o.box })); lc.predictions = data.predictions; tags = data.tags;
    lc.selected = -1; lc.focused = lc.predictions.length ? 0 : -1; lc.anchor = null; lc.draft = null;
    lc.setImage(bmp, data.width, data.height);
    title.textContent = `image ${current + 1} of ${order.length}: ${data.file_name}`;
    stateEl.textContent = data.state; stateEl.className = `item-state state-${data.state}`;
    saveEl.textContent = ""; saveEl.dataset.revision = data.revision;
    banner.replaceChildren(...(data.comment && data.state === "rejected" ? [h("div", { class: "warn", id: "reject-comment" }, `Rejected: ${data.comment}`)] : []));
    history.replaceState(null, "", `#/${review ? "review" : "label"}/${task.id}/${image}`);
    refresh();
    canvasEl.dataset.image = image; canvasEl.dataset.loaded = String(performance.now() - started);
    if (current + 1 < order.length) { bitmap(task.id, order[current + 1]); prefetchJson(task.id, order[current + 1]); }
  }
  async function go(i) {
    if (i < 0 || i >= order.length) return;
    await save();
    await load(i);
  }
  async function submit() {
    await save();
    if (conflict) return;
    try {
      const r = await api(`/api/labeling/tasks/${task.id}/items/${item.image}/submit`, json("POST", { revision }));
      stateEl.textContent = r.state;
      if (current + 1 < order.length) await load(current + 1); else { revision = r.revision; item.state = r.state; banner.replaceChildren(h("div", { class: "warn", id: "label-done" }, "Last image submitted. ", h("a", { href: `#/label/${task.id}` }, "Back to the task"))); }
    } catch (err) { banner.replaceChildren(fail(err)); }
  }
  async function verdict(accept) {
    if (!accept && !comment.value.trim()) { comment.focus(); banner.replaceChildren(h("div", { class: "error" }, "Write what to fix before rejecting.")); return; }
    try {
      await api(`/api/labeling/tasks/${task.id}/items/${item.image}/review`, json("POST", { accept, comment: accept ? null : comment.value.trim() }));
      comment.value = "";
      if (current + 1 < order.length) await load(current + 1);
      else banner.replaceChildren(h("div", { class: "warn", id: "review-done" }, "Reviewed the last submitted image. ", h("a", { href: `#/label/${task.id}` }, "Back to the task")));
    } catch (err) { banner.replaceChildren(fail(err)); }
  }

  // ---- mouse
  let drag = null; let spaceDown = false;
  on(canvasEl, "mousedown", (e) => {
    canvasEl.focus();
    const [sx, sy] = lc.screenOf(e);
    if (spaceDown || e.button === 1) { drag = { kind: "pan", sx, sy }; return; }
    if (e.button !== 0 || review) return;
    const p = lc.pointOf(e);
    const handle = lc.handleAt(sx, sy);
    if (handle >= 0) { drag = { kind: "resize", handle, before: snap(), start: p }; return; }
    if (lc.anchor) { drag = { kind: "second", start: p }; return; }
    const hit = LabelCanvas.hit(lc.objects, p[0], p[1]);
    if (hit >= 0) { lc.selected = hit; drag = { kind: "move", before: snap(), start: p, box: lc.objects[hit].box.slice() }; refresh(); return; }
    const ph = LabelCanvas.hit(lc.predictions, p[0], p[1]);
    if (ph >= 0) { acceptPrediction(ph); return; }
    lc.selected = -1;
    drag = { kind: "draw", start: p };
    refresh();
  }, {});
  on(window, "mousemove", (e) => {
    if (!drag) return;
    const [sx, sy] = lc.screenOf(e);
    if (drag.kind === "pan") { lc.panBy(sx - drag.sx, sy - drag.sy); drag.sx = sx; drag.sy = sy; return; }
    const p = lc.pointOf(e);
    if (drag.kind === "draw") { if (Math.abs(p[0] - drag.start[0]) + Math.abs(p[1] - drag.start[1]) > 2) lc.draft = boxOf(drag.start, p); lc.request(); }
    else if (drag.kind === "move") {
      const o = lc.objects[lc.selected]; const w = drag.box[2] - drag.box[0], hh = drag.box[3] - drag.box[1];
      const x1 = Math.min(lc.width - w, Math.max(0, drag.box[0] + p[0] - drag.start[0])), y1 = Math.min(lc.height - hh, Math.max(0, drag.box[1] + p[1] - drag.start[1]));
      o.box = [x1, y1, x1 + w, y1 + hh]; drag.moved = true; lc.request();
    } else if (drag.kind === "resize") { const o = lc.objects[lc.selected]; o.box = resizeBox(o.box, drag.handle, p); drag.moved = true; lc.request(); }
  });
  on(window, "mouseup", (e) => {
    if (!drag) return;
    const d = drag; drag = null;
    if (d.kind === "pan") return;
    const p = lc.pointOf(e);
    if (d.kind === "draw") {
      if (lc.draft) { const b = lc.draft; lc.draft = null; addBox(b); }
      else { lc.anchor = d.start; lc.request(); } // first click of a two-click box
    } else if (d.kind === "second") {
      const b = boxOf(lc.anchor, p); lc.anchor = null; addBox(b);
    } else if ((d.kind === "move" || d.kind === "resize") && d.moved) {
      undo.push(d.before); redo = []; dirty = true; scheduleSave(); refresh();
    }
  });
  function addBox(b) {
    if (b[2] - b[0] < 1 || b[3] - b[1] < 1) { lc.request(); return; }
    change(() => { lc.objects.push({ label: currentClass, box: b }); lc.selected = lc.objects.length - 1; });
  }
  on(canvasEl, "wheel", (e) => { e.preventDefault(); const [sx, sy] = lc.screenOf(e); lc.zoomAt(sx, sy, Math.exp(-e.deltaY * 0.0015)); }, { passive: false });
  on(window, "resize", () => { lc.resize(); });

  // ---- keys
  on(document, "keydown", (e) => {
    if (!document.body.contains(canvasEl)) { ctl.abort(); return; }
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if (typing && e.key !== "Escape") return;
    const k = e.key;
    if ((e.ctrlKey || e.metaKey) && (k === "z" || k === "Z")) {
      e.preventDefault();
      if (review) return;
      if (e.shiftKey) { if (redo.length) { undo.push(snap()); restore(redo.pop()); dirty = true; scheduleSave(); refresh(); } }
      else if (undo.length) { redo.push(snap()); restore(undo.pop()); dirty = true; scheduleSave(); refresh(); }
      return;
    }
    if ((e.ctrlKey || e.metaKey) && k === "y") { e.preventDefault(); if (redo.length && !review) { undo.push(snap()); restore(redo.pop()); dirty = true; scheduleSave(); refresh(); } return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (k === " ") { spaceDown = true; canvasEl.classList.add("panning"); e.preventDefault(); return; }
    if (k === "?") { toggleHelp(); return; }
    if (k === "Escape") { lc.anchor = null; lc.draft = null; lc.selected = -1; toggleHelp(false); if (typing) e.target.blur(); refresh(); return; }
    if (k === "d" || k === "D" || k === "ArrowRight") { e.preventDefault(); go(current + 1); return; }
    if (k === "a" || k === "ArrowLeft") { e.preventDefault(); go(current - 1); return; }
    if (k === "f" || k === "F") { lc.fit(); return; }
    if (review) {
      if (k === "y" || k === "Y" || k === "Enter") { e.preventDefault(); verdict(true); }
      else if (k === "r" || k === "R") { e.preventDefault(); comment.focus(); }
      return;
    }
    if (/^[1-9]$/.test(k)) {
      const c = task.classes[Number(k) - 1]; if (!c) return;
      if (classify) toggleTag(c); else pickClass(c);
      return;
    }
    if (k === "Delete" || k === "Backspace") { if (lc.selected >= 0) { const i = lc.selected; e.preventDefault(); change(() => { lc.objects.splice(i, 1); lc.selected = -1; }); } return; }
    if (k === "Tab") { if (lc.predictions.length) { e.preventDefault(); lc.focused = (lc.focused + (e.shiftKey ? lc.predictions.length - 1 : 1)) % lc.predictions.length; refresh(); } return; }
    if (k === "Enter") { if (lc.focused >= 0) { e.preventDefault(); acceptPrediction(lc.focused); } return; }
    if (k === "x" || k === "X") { if (lc.focused >= 0) rejectPrediction(lc.focused); return; }
    if (k === "A") { acceptAbove(); return; }
    if (k === "c" || k === "C") { copyPrevious(); return; }
    if (k === "s" || k === "S") { e.preventDefault(); submit(); }
  });
  on(document, "keyup", (e) => { if (e.key === " ") { spaceDown = false; canvasEl.classList.remove("panning"); } });
  on(search, "input", () => refresh());
  on(search, "keydown", (e) => {
    if (e.key === "Enter") { const first = classList.querySelector("button"); if (first) pickClass(first.dataset.class); search.value = ""; search.blur(); refresh(); }
  });
  on(window, "beforeunload", () => { if (dirty) save(); });
  on(window, "hashchange", () => { if (dirty) save(); }, { once: true });

  lc.resize();
  await load(index, true);
  canvasEl.focus();
}
