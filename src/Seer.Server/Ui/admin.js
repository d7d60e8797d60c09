// Admin pages: users and roles (admins: list, add, change a role), API tokens (everyone their own; admins everyone's): create, list, revoke.
import { view, h, api, json, card, fail } from "/dom.js";

const ROLES = ["member", "admin", "labeller"];
const when = (t) => (t ? new Date(t).toLocaleString() : "–");

export async function adminPage() {
  const me = await api("/api/auth/me");
  const admin = me.role === "admin";
  const [users, tokens] = await Promise.all([admin ? api("/api/users") : Promise.resolve(null), api("/api/tokens")]);
  const tokenMessage = h("div", { id: "token-new" });
  const tokenUser = admin ? h("select", { id: "token-user" }, users.map(u => h("option", { value: u.name, selected: u.name === me.name }, u.name))) : null;
  const createToken = async (e) => {
    e.preventDefault();
    try {
      const t = await api("/api/tokens", json("POST", { user: tokenUser?.value ?? me.name }));
      await adminPage();
      document.getElementById("token-new").replaceChildren(h("div", { class: "warn" }, `New token for ${t.user} (shown once; copy it now): `, h("code", { id: "token-secret" }, t.token)));
    } catch (err) { tokenMessage.replaceChildren(fail(err)); }
  };
  const revoke = async (id) => {
    try { await api(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }); await adminPage(); }
    catch (err) { tokenMessage.replaceChildren(fail(err)); }
  };
  const tokenRows = tokens.map(t => h("tr", { "data-token": t.id },
    h("td", {}, h("code", {}, t.id)), h("td", {}, t.user), h("td", {}, when(t.created_at)), h("td", {}, when(t.last_used_at)),
    h("td", { class: t.revoked ? "state-cancelled" : "state-succeeded" }, t.revoked ? "revoked" : "active"),
    h("td", {}, t.revoked ? "" : h("button", { class: "secondary", "data-revoke": t.id, onclick: () => revoke(t.id) }, "Revoke"))));
  const cards = [card("API tokens", h("p", {}, "Scripts and the CLI send ", h("code", {}, "Authorization: Bearer TOKEN"), ". A token's secret is shown once, when it is made."),
    h("form", { onsubmit: createToken }, tokenUser ? h("label", {}, "For ", tokenUser) : null, " ", h("button", { type: "submit", id: "token-create" }, "Create a token")),
    tokenMessage,
    h("div", { class: "scroll" }, h("table", { id: "tokens" }, h("tr", {}, ["Token id", "User", "Created", "Last used", "State", ""].map(t => h("th", {}, t))), tokenRows)))];
  if (admin) {
    const name = h("input", { id: "user-name", placeholder: "name", autocomplete: "off" });
    const role = h("select", { id: "user-role" }, ROLES.map(r => h("option", { value: r }, r)));
    const password = h("input", { id: "user-password", type: "password", placeholder: "password (12+ characters)", autocomplete: "new-password" });
    const message = h("div");
    const addUser = async (e) => {
      e.preventDefault();
      try { await api("/api/users", json("POST", { name: name.value, role: role.value, password: password.value })); await adminPage(); }
      catch (err) { message.replaceChildren(fail(err)); }
    };
    // A role changes at once (the server reads the stored role on every request); the last admin cannot be demoted.
    const setRole = async (user, value) => {
      try { await api(`/api/users/${encodeURIComponent(user)}/role`, json("PUT", { role: value })); await adminPage(); }
      catch (err) { await adminPage(); document.getElementById("users-message")?.replaceChildren(fail(err)); }
    };
    const roleOf = (u) => h("select", { class: "user-role-set", "data-user": u.name, "aria-label": `role of ${u.name}`, onchange: (e) => setRole(u.name, e.target.value) },
      ROLES.map(r => h("option", { value: r, selected: r === u.role }, r)));
    cards.unshift(card("Users and roles",
      h("div", { class: "scroll" }, h("table", { id: "users" }, h("tr", {}, ["User", "Role", "Created"].map(t => h("th", {}, t))),
        users.map(u => h("tr", { "data-user": u.name, "data-role": u.role }, h("td", {}, u.name), h("td", {}, roleOf(u)), h("td", {}, when(u.created_at)))))),
      h("div", { id: "users-message" }),
      h("form", { onsubmit: addUser }, name, " ", role, " ", password, " ", h("button", { type: "submit", id: "user-submit" }, "Add user")), message));
  }
  view.replaceChildren(...cards);
}
