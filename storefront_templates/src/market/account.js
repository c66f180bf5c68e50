// Registered buyers (the hub's shopper accounts): signing in with the existing POST
// /api/sessions, and the account's page (`#account`): saved solutions, past requests and
// orders, the wishlist. The token is kept on this device until signing out.

import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { button, byId, el, notify } from "./dom.js";
import { problem } from "./errors.js";
import { statusText } from "./page.js";
import { locale, safeGet, safeSet, t } from "./words.js";

const KEY = "cartstart.market.account";

/** @typedef {{store_id: string, product_id: string, name?: string, store_name?: string}} WishItem */

/** @param {any} answer a list, or an object holding one */
const listOf = (answer) => (Array.isArray(answer) ? answer : (answer?.solutions ?? answer?.requests ?? answer?.items ?? answer?.wishlist ?? []));

export class Account {
  /** @param {() => void} changed the header and the cards redraw */
  constructor(changed) {
    this.changed = changed;
    this.email = "";
    /** @type {WishItem[]} */
    this.wishes = [];
    try {
      const kept = JSON.parse(safeGet(KEY) ?? "null");
      if (kept?.token) {
        api.setToken(kept.token);
        this.email = String(kept.email ?? "");
      }
    } catch {
      // nothing kept
    }
  }

  signIn() {
    openDialog({
      id: "market-sign-in",
      title: t("Sign in"),
      help: t("With an account your solutions, requests and orders, and your wishlist are kept for you. Buying works without one too."),
      fields: [
        { name: "email", label: t("Email"), type: "email", required: true, maxLength: 254 },
        { name: "password", label: t("Password"), type: "password", required: true, maxLength: 1024 },
      ],
      submit: t("Sign in"),
      onSubmit: async ({ email, password }) => {
        try {
          const session = await api.signIn(email.trim(), password);
          api.setToken(session.token);
          this.email = email.trim();
          safeSet(KEY, JSON.stringify({ token: session.token, email: this.email }));
        } catch (error) {
          throw new Error(problem(error, { unauthorized: t("The email or the password is not right."), invalid_message: t("The email or the password is not right.") }));
        }
        notify(t("Signed in as {email}.", { email: this.email }));
        this.changed();
        location.hash = "account";
      },
    });
  }

  async signOut() {
    await api.signOut().catch(() => undefined); // signed out here whatever the hub says
    api.setToken(null);
    this.email = "";
    this.wishes = [];
    safeSet(KEY, "null");
    notify(t("Signed out."));
    this.changed();
    if (location.hash === "#account") location.hash = "";
  }

  /** @param {import("./results.js").Result} result */
  async wish(result) {
    try {
      const current = listOf(await api.wishlist()).map((/** @type {WishItem} */ w) => ({ store_id: w.store_id, product_id: w.product_id }));
      if (!current.some((/** @type {WishItem} */ w) => w.store_id === result.store_id && w.product_id === result.product_id)) current.push({ store_id: result.store_id, product_id: result.product_id });
      await api.putWishlist(current);
      notify(t("{name} is on your wishlist.", { name: result.name }));
    } catch (error) {
      notify(problem(error));
    }
  }

  /** Draws the account's page. */
  async show() {
    const box = byId("account-screen", HTMLElement);
    const title = el("h2", { id: "account-title", tabindex: "-1" }, t("Your account"));
    if (!api.signedIn()) {
      box.replaceChildren(title, el("p", { class: "empty" }, t("Sign in to see your saved solutions, your requests and orders, and your wishlist.")), button(t("Sign in"), () => this.signIn(), { primary: true }));
      return;
    }
    box.replaceChildren(title, el("p", { class: "hint" }, t("Loading…")));
    const [solutions, requests, wishes] = await Promise.allSettled([api.accountSolutions(), api.accountRequests(), api.wishlist()]);
    const panel = (/** @type {string} */ heading, /** @type {PromiseSettledResult<any>} */ settled, /** @type {(item: any) => HTMLElement} */ item, /** @type {string} */ empty) => {
      const id = `account-${heading.length}-${Math.random().toString(36).slice(2, 7)}`;
      const body = settled.status === "rejected"
        ? el("p", { class: "error" }, problem(settled.reason))
        : listOf(settled.value).length
          ? el("ul", { class: "plain-list" }, ...listOf(settled.value).map(item))
          : el("p", { class: "empty" }, empty);
      return el("section", { class: "panel", "aria-labelledby": id }, el("h3", { id }, heading), body);
    };
    const when = (/** @type {number | undefined} */ s) => (s ? new Date(s * 1000).toLocaleDateString(locale(), { dateStyle: "medium" }) : "");
    box.replaceChildren(
      title,
      el("p", { class: "hint" }, t("Signed in as {email}.", { email: this.email })),
      el(
        "div",
        { class: "account-lists" },
        panel(t("Saved solutions"), solutions, (s) => el("li", {}, el("a", { href: `#solution=${encodeURIComponent(s.id)}` }, s.name || t("My solution")), " ", el("span", { class: "meta" }, when(s.updated_at))), t("No saved solutions yet. Build one from the search and save it while signed in.")),
        panel(t("Requests and orders"), requests, (r) => el("li", {}, el("strong", {}, r.store_name ?? ""), " · ", r.kind === "order" ? t("Order") : t("Request for quote"), " · ", statusText(r.status ?? ""), " · ", when(r.created_at)), t("Nothing sent yet. Open a solution and send it as a request for quote or as an order.")),
        panel(t("Wishlist"), wishes, (w) => el("li", {}, el("strong", {}, w.name ?? w.product_id ?? ""), " ", el("span", { class: "meta" }, w.store_name ?? "")), t("Your wishlist is empty. Use the Wishlist button on a search result.")),
      ),
    );
  }
}
