// Shared helpers of the Seer UI: element builder, API calls (problem details become Error messages), cards.
export const view = document.getElementById("view");
export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};

export async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  if (response.status === 401 && !path.startsWith("/api/auth/login")) { location.hash = "#/login"; throw new Error("sign in first"); }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.detail || body?.title || `${response.status} ${response.statusText}`);
  return body;
}
export const json = (method, body) => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
export const card = (title, ...content) => h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...content);
export const fail = (e) => h("div", { class: "error" }, e.message);
