// Cluster review (#/clusters/NAME): the cluster-NNNN clusters of a dataset's head version (size, cohesion, a strip of
// thumbnails), merge two or more, split (move selected members to a new cluster or to unlabelled), drop a cluster.
// Every change commits a new version through /api/datasets/{ref}/clusters/... and the page reloads the new head.
import { view, h, api, json, card, fail } from "/dom.js";

const thumb = (m, size) => h("img", { src: `/api/blobs/${m.hash}/thumbnail?size=${size}`, alt: m.file_name, title: `${m.file_name} (image ${m.index})`,
  "data-index": m.index, width: size, height: size, loading: "lazy" });

export async function clustersPage(name) {
  const enc = encodeURIComponent(name);
  const status = h("div", { id: "clusters-status" });
  const detail = h("div", { id: "cluster-detail" });
  const done = (report) => {
    const v = report.versions[0];
    status.replaceChildren(h("p", { class: "ok" }, `${report.operation}${report.cluster ? ` → ${report.cluster}` : ""}: committed ${v.dataset}@${v.version.slice(0, 12)} (${v.images} images, ${v.labelled} clustered)`));
  };
  const act = async (path, body) => {
    try { done(await api(`/api/datasets/${enc}/clusters/${path}`, json("POST", body))); detail.replaceChildren(); await render(); }
    catch (err) { status.replaceChildren(fail(err)); }
  };

  async function open(cluster) {
    const { cluster: c } = await api(`/api/datasets/${enc}/clusters/${encodeURIComponent(cluster)}`);
    const chosen = new Set();
    const count = h("span", { id: "split-count" }, "0 selected");
    const tiles = c.members.map(m => {
      const t = h("button", { type: "button", class: "member", "data-index": m.index, onclick: () => {
        chosen.has(m.index) ? chosen.delete(m.index) : chosen.add(m.index);
        t.classList.toggle("selected", chosen.has(m.index));
        count.textContent = `${chosen.size} selected`;
      } }, thumb(m, 96));
      return t;
    });
    const split = (to) => chosen.size === 0 ? status.replaceChildren(fail(new Error("select the images to move first")))
      : act(`${encodeURIComponent(cluster)}/split`, { indices: [...chosen], to });
    detail.replaceChildren(card(`${c.cluster}: ${c.size} images${c.cohesion != null ? `, cohesion ${c.cohesion.toFixed(3)}` : ""}`,
      h("p", {}, "Click images to select them, then move them out. ", count, " ",
        h("button", { type: "button", id: "split-new", onclick: () => split("new") }, "Move to a new cluster"), " ",
        h("button", { type: "button", id: "split-unlabelled", class: "secondary", onclick: () => split("unlabelled") }, "Move to unlabelled")),
      h("div", { class: "cluster-members", id: "cluster-members" }, tiles)));
    detail.scrollIntoView?.({ block: "nearest" });
  }

  async function render() {
    const data = await api(`/api/datasets/${enc}/clusters`);
    const picked = new Set();
    const merge = h("button", { type: "button", id: "merge-clusters", disabled: true,
      onclick: () => act("merge", { clusters: data.clusters.filter(c => picked.has(c.cluster)).map(c => c.cluster) }) }, "Merge selected");
    const rows = data.clusters.map(c => h("tr", { class: "cluster", "data-cluster": c.cluster },
      h("td", {}, h("input", { type: "checkbox", class: "merge-pick", "data-cluster": c.cluster, onchange: (e) => {
        e.target.checked ? picked.add(c.cluster) : picked.delete(c.cluster);
        merge.disabled = picked.size < 2;
      } })),
      h("td", {}, c.cluster), h("td", { class: "size" }, c.size),
      h("td", { title: c.cohesion == null ? "changed in review: re-cluster to measure" : "mean cosine similarity to the cluster centre" }, c.cohesion == null ? "—" : c.cohesion.toFixed(3)),
      h("td", { class: "strip" }, c.members.map(m => thumb(m, 48))),
      h("td", {}, h("button", { type: "button", class: "open secondary", "data-cluster": c.cluster, onclick: () => open(c.cluster).catch(err => status.replaceChildren(fail(err))) }, "Review"), " ",
        h("button", { type: "button", class: "drop secondary", "data-cluster": c.cluster, onclick: () => act(`${encodeURIComponent(c.cluster)}/drop`, {}) }, "Drop"))));
    view.replaceChildren(
      card(`Clusters: ${name}`,
        h("p", { id: "clusters-summary" }, `${data.clusters.length} clusters over ${data.clustered} of ${data.images} images (${data.unclustered} unclustered), version ${data.version.slice(0, 12)}. `,
          "Merge, split or drop; each change is a new version. Then train an embedding model on the clusters (",
          h("a", { href: `#/train` }, "Train"), ", task embed) and re-cluster."),
        h("p", {}, merge), status,
        data.clusters.length === 0 ? h("p", {}, "No clusters: no image carries a cluster-NNNN tag (run seer cluster first).") :
          h("table", { id: "clusters" }, h("tr", {}, ["", "Cluster", "Size", "Cohesion", "Members", ""].map(t => h("th", {}, t))), rows)),
      detail);
  }
  await render();
}
