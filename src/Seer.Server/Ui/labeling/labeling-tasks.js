// Labelling tasks: the list with the form that creates one (#/label), a task's page (#/label/ID: counts, images,
// open the tool, review, commit) and the project page's "labelling: N of M accepted" line. The tool itself is
// labeling-tool.js; its styles labeling.css (loaded once from here, no inline styles).
import { view, h, api, json, card, fail } from "/dom.js";
import { labelTool } from "/labeling-tool.js";

const STATES = ["todo", "in_progress", "submitted", "rejected", "accepted"];
const stateName = (s) => s === "todo" ? "to do" : s.replace("_", " ");

function styles() {
  if (!document.getElementById("labeling-css")) document.head.append(h("link", { id: "labeling-css", rel: "stylesheet", href: "/labeling.css" }));
}

/** Router entry: #/label, #/label/ID, #/label/ID/IMAGE, #/review/ID[/IMAGE]. */
export async function labelingPage(page, id, image) {
  styles();
  if (page === "review") return labelTool(Number(id), image, true);
  if (id && image !== undefined && image !== "") return labelTool(Number(id), image, false);
  if (id) return taskPage(Number(id));
  return tasksPage();
}

const progress = (t) => `${t.accepted} of ${t.images} accepted`;
const countsText = (t) => STATES.filter(s => t.counts[s]).map(s => `${t.counts[s]} ${stateName(s)}`).join(", ") || "no images";

async function tasksPage() {
  const [tasks, me] = await Promise.all([api("/api/labeling/tasks"), api("/api/auth/me")]);
  const rows = tasks.map(t => h("tr", { "data-task": t.id }, h("td", {}, h("a", { href: `#/label/${t.id}` }, `task ${t.id}`)),
    h("td", {}, `${t.dataset}@${t.version.slice(0, 10)}`), h("td", {}, t.into), h("td", {}, t.assignees.join(", ")), h("td", {}, t.reviewer ?? "—"),
    h("td", {}, progress(t)), h("td", {}, countsText(t)), h("td", {}, t.state)));
  const list = card("Labelling tasks", tasks.length === 0 ? h("p", {}, "No labelling tasks for you yet.")
    : h("table", { id: "labeling-tasks" }, h("tr", {}, ["Task", "Images of", "Commits into", "Labellers", "Reviewer", "Progress", "States", ""].map(x => h("th", {}, x))), rows));
  if (me.role === "labeller") { view.replaceChildren(list); return; }
  const f = {
    dataset: h("input", { id: "task-dataset", placeholder: "dataset (NAME)" }), version: h("input", { id: "task-version", placeholder: "version (default head)" }),
    assignees: h("input", { id: "task-assignees", placeholder: "labellers, comma separated" }), reviewer: h("input", { id: "task-reviewer", placeholder: "reviewer (optional)" }),
    into: h("input", { id: "task-into", placeholder: "commit into (default DATASET-labels)" }), classes: h("input", { id: "task-classes", placeholder: "classes (default the version's)" }),
    model: h("input", { id: "task-model", placeholder: "served model for pre-annotations (optional)" }),
  };
  const message = h("div");
  const split = (s) => s.split(",").map(x => x.trim()).filter(Boolean);
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    try {
      const t = await api("/api/labeling/tasks", json("POST", {
        dataset: f.dataset.value.trim(), version: f.version.value.trim() || null, assignees: split(f.assignees.value), reviewer: f.reviewer.value.trim() || null,
        into: f.into.value.trim() || null, classes: split(f.classes.value).length ? split(f.classes.value) : null, model: f.model.value.trim() || null }));
      location.hash = `#/label/${t.id}`;
    } catch (err) { message.replaceChildren(fail(err)); }
  } }, h("p", {}, f.dataset, " ", f.version, " ", f.into), h("p", {}, f.assignees, " ", f.reviewer), h("p", {}, f.classes, " ", f.model),
    h("button", { type: "submit", id: "task-create" }, "Create the task"), message);
  view.replaceChildren(list, card("New labelling task", form));
}

async function taskPage(id) {
  const [t, items, me] = await Promise.all([api(`/api/labeling/tasks/${id}`), api(`/api/labeling/tasks/${id}/items`), api("/api/auth/me")]);
  const message = h("div", { id: "task-message" });
  const mine = items.filter(i => i.assignee === me.name);
  const next = (mine.length ? mine : items).find(i => ["todo", "in_progress", "rejected"].includes(i.state)) ?? (mine.length ? mine : items)[0];
  const reviewing = t.reviewer === me.name || me.role === "admin";
  const submitted = items.find(i => i.state === "submitted");
  const canCommit = t.state === "open" && (me.role === "admin" || t.created_by === me.name || t.reviewer === me.name);
  const commit = async () => {
    try {
      const v = await api(`/api/labeling/tasks/${id}/commit`, { method: "POST" });
      message.replaceChildren(h("p", { class: "state-succeeded", id: "commit-result" }, `Committed ${v.dataset}@${v.short}: ${v.images} images (operation ${v.operation}).`,
        v.iteration_job ? h("span", {}, " The round continues: ", h("a", { href: `#/job/${v.iteration_job}` }, `job ${v.iteration_job}`)) : null));
    } catch (err) { message.replaceChildren(fail(err)); }
  };
  const counts = h("p", { id: "task-counts" }, `${progress(t)} — ${countsText(t)}`);
  const actions = h("p", {},
    next ? h("a", { class: "button", id: "open-tool", href: `#/label/${id}/${next.image}` }, "Open the annotation tool") : null, " ",
    reviewing && submitted ? h("a", { class: "button", id: "open-review", href: `#/review/${id}/${submitted.image}` }, `Review (${t.counts.submitted} submitted)`) : null, " ",
    canCommit ? h("button", { type: "button", id: "commit-task", onclick: commit }, "Commit the accepted images") : null);
  const rows = items.map(i => h("tr", { "data-image": i.image }, h("td", {}, h("a", { href: `#/label/${id}/${i.image}` }, i.image)), h("td", {}, i.file_name),
    h("td", {}, i.assignee), h("td", { class: `item-state state-${i.state}` }, stateName(i.state)), h("td", {}, i.objects), h("td", {}, i.revision), h("td", {}, i.comment ?? "")));
  view.replaceChildren(
    card(`Labelling task ${t.id}`, h("p", {}, `${t.images} images of ${t.dataset}@${t.version.slice(0, 10)} (${t.kind}) → ${t.into}. Labellers ${t.assignees.join(", ")}` +
      (t.reviewer ? `; reviewer ${t.reviewer}.` : "; no reviewer (a submitted image is accepted).") + (t.committed_version ? ` Committed as ${t.into}@${t.committed_version.slice(0, 10)}.` : "")),
      h("p", {}, `Classes: ${t.classes.join(", ")}`), counts, actions, message),
    card("Images", h("table", { id: "task-items" }, h("tr", {}, ["#", "File", "Labeller", "State", "Boxes", "Revision", "Comment"].map(x => h("th", {}, x))), rows)));
}

/** The project page's line for a round waiting in a Seer labelling task: "labelling: 37 of 200 accepted" linking to it. */
export async function projectLabeling(project) {
  let tasks;
  try { tasks = await api("/api/labeling/tasks"); } catch { return null; }
  const t = tasks.find(x => x.origin?.project === project && x.state === "open");
  if (!t) return null;
  styles();
  return h("p", { id: "project-labeling", class: "warn" }, `Round ${t.origin.round} waits for labels: `,
    h("a", { href: `#/label/${t.id}` }, `labelling: ${t.accepted} of ${t.images} accepted`), ` (${countsText(t)}).`);
}

/**
 * The project page's card for a round waiting on a CVAT / Label Studio hand-off: download the task folder as a zip,
 * then upload the finished export (a zip, CVAT XML or Label Studio JSON) to import the labels and continue the round.
 */
export function projectHandoff(project, rounds) {
  const waiting = rounds.find(r => r.state === "waiting" && r.steps.some(s => s.step === "label" && s.state === "waiting" && s.result?.task_dir));
  if (!waiting) return null;
  const label = waiting.steps.find(s => s.step === "label");
  const cvat = label.result.tool === "cvat";
  const tool = cvat ? "CVAT" : "Label Studio";
  const base = `/api/projects/${encodeURIComponent(project)}/iterations/${waiting.round}/handoff`;
  const file = h("input", { id: "handoff-file", type: "file", accept: cvat ? ".zip,.xml" : ".zip,.json" });
  const message = h("div", { id: "handoff-message" });
  const upload = async (e) => {
    e.preventDefault();
    if (!file.files.length) { message.replaceChildren(h("div", { class: "error" }, "Choose the finished export first.")); return; }
    const form = new FormData(); form.append("file", file.files[0]);
    message.replaceChildren(h("p", {}, "Importing the labels…"));
    try {
      const r = await api(base, { method: "POST", body: form });
      message.replaceChildren(h("p", { class: "state-succeeded", id: "handoff-result" },
        `Imported ${r.labelled} labelled of ${r.images} images into ${r.dataset}@${r.version.slice(0, 10)}` + (r.rejected ? ` (${r.rejected} rejected)` : "") + ". The round continues: ",
        h("a", { href: `#/job/${r.iteration_job}` }, `job ${r.iteration_job}`)));
      file.value = "";
    } catch (err) { message.replaceChildren(fail(err)); }
  };
  const how = cvat
    ? "In CVAT, create a task from the images in images/ and upload annotations.xml (format CVAT for images 1.1) to see the model's boxes; label, then export the task as CVAT for images 1.1 and upload the zip or its annotations.xml here."
    : "In Label Studio, use label_config.xml as the labelling interface, serve images/ as local files and import tasks.json (the model's boxes come as predictions); label, then export as JSON and upload it (or a zip) here.";
  return card(`Round ${waiting.round} waits for labels from ${tool}`,
    h("p", { id: "handoff-summary" }, `${label.result.images} picked images were written as a ${tool} task for ${label.result.import_into}. `,
      h("a", { id: "handoff-download", class: "button", href: base, download: "" }, "Download the task (.zip)")),
    h("p", {}, how),
    h("form", { id: "handoff-form", onsubmit: upload }, h("label", {}, "Finished export ", file), " ",
      h("button", { type: "submit", id: "handoff-upload" }, "Import the labels and continue the round")), message);
}
