// Registered buyers (the hub's shopper accounts): signing in with the existing POST
// /api/sessions, and the account's page (`#account`): saved solutions, past requests and
// orders, the wishlist. The token is kept on this device until signing out; a token the hub no
// longer takes signs the page out.

import { CartStartError } from "../shared/http.js";
import * as api from "./api.js";
import { openDialog } from "./dialogs.js";
import { button, byId, el, notify } from "./dom.js";
import { problem } from "./errors.js";
import { statusText } from "./page.js";
import { moneyText } from "./results.js";
import { locale, safeGet, safeSet, t, tn } from "./words.js";

const KEY = "cartstart.market.account";
const WISHES_SHOWN = 50;

/** @typedef {{store_id: string, product_id: string}} WishItem */
/** @typedef {import("./results.js").Result} Result */

/** @param {number | undefined} seconds */
const day = (seconds) => (seconds ? new Date(seconds * 1000).toLocaleDateString(locale(), { dateStyle: "medium" }) : "");

export class Account {
  /**
   * @param {() => void} changed the header and the cards redraw
   * @param {(result: Result) => void} add puts a wished product into the solution
   */
  constructor(changed, add) {
    this.changed = changed;
    this.add = add;
    this.email = "";
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
    this.forget();
    notify(t("Signed out."));
    if (location.hash === "#account") location.hash = "";
  }

  forget() {
    api.setToken(null);
    this.email = "";
    safeSet(KEY, "null");
    this.changed();
  }

  /** @param {unknown} error */
  expired(error) {
    if (error instanceof CartStartError && error.code === "unauthorized") this.forget();
    return problem(error);
  }

  /** @param {Result} result */
  async wish(result) {
    try {
      const current = (await api.wishlist()).items.map((/** @type {WishItem} */ w) => ({ store_id: w.store_id, product_id: w.product_id }));
      if (!current.some((/** @type {WishItem} */ w) => w.store_id === result.store_id && w.product_id === result.product_id)) current.push({ store_id: result.store_id, product_id: result.product_id });
      await api.putWishlist(current);
      notify(t("{name} is on your wishlist.", { name: result.name }));
    } catch (error) {
      notify(this.expired(error));
    }
  }

  /** @param {WishItem} item */
  async unwish(item) {
    try {
      const current = (await api.wishlist()).items.filter((/** @type {WishItem} */ w) => w.store_id !== item.store_id || w.product_id !== item.product_id);
      await api.putWishlist(current);
      await this.show();
    } catch (error) {
      notify(this.expired(error));
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
    if (!box.childElementCount) box.replaceChildren(title, el("p", { class: "hint" }, t("Loading…")));
    const [solutions, requests, wishes, calls] = await Promise.allSettled([api.accountSolutions(), api.accountRequests(), this.wishes(), api.accountCalls()]);
    box.replaceChildren(
      title,
      el("p", { class: "hint" }, t("Signed in as {email}.", { email: this.email })),
      el(
        "div",
        { class: "account-lists" },
        this.panel("account-solutions", t("Saved solutions"), solutions, (/** @type {any} */ s) =>
          el("li", {}, el("a", { href: `#solution=${encodeURIComponent(s.id)}` }, s.name || t("My solution")), " ", el("span", { class: "meta" }, day(s.updated_at))),
        t("No saved solutions yet. Build one from the search and save it while signed in.")),
        this.panel("account-requests", t("Requests and orders"), requests, (/** @type {any} */ r) =>
          el("li", {}, el("strong", {}, r.store_name ?? ""), " · ", r.kind === "order" ? t("Order") : t("Request for quote"), " · ", statusText(r.status ?? ""), " · ", day(r.created_at), " ", el("a", { href: `#solution=${encodeURIComponent(r.solution_id ?? "")}` }, t("Open the solution"))),
        t("Nothing sent yet. Open a solution and send it as a request for quote or as an order.")),
        this.panel("account-wishlist", t("Wishlist"), wishes, (/** @type {{item: WishItem, product: Result | null}} */ w) => this.wished(w),
        t("Your wishlist is empty. Use the Wishlist button on a search result.")),
        this.panel("account-calls", t("Calls with firms"), calls, (/** @type {any} */ c) => this.call(c),
        t("No calls yet. Calls you make with a firm's agents, from its pages or your desktop cart, are listed here.")),
      ),
    );
  }

  /** One call: the firm, when, how long, and the stars given. @param {any} c */
  call(c) {
    const seconds = typeof c.duration_seconds === "number" ? Math.round(c.duration_seconds) : null;
    const lasted = seconds === null ? t("not answered") : t("{minutes} min {seconds} s", { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
    const stars = typeof c.stars === "number" ? tn("{n} star", "{n} stars", c.stars) : t("not rated");
    return el("li", { "data-call": c.call_id }, el("strong", {}, c.store_name ?? ""), " · ", day(c.started_at), " · ", lasted, " · ", stars, c.comment ? el("div", { class: "meta" }, c.comment) : null);
  }

  /** The wishlist with each product as search shows it now (or gone). */
  async wishes() {
    const items = /** @type {WishItem[]} */ ((await api.wishlist()).items).slice(0, WISHES_SHOWN);
    const found = await Promise.all(items.map((item) => api.product(item.store_id, item.product_id).catch(() => null)));
    return items.map((item, i) => ({ item, product: found[i] }));
  }

  /** @param {{item: WishItem, product: Result | null}} wished */
  wished({ item, product }) {
    const remove = button(t("Remove"), () => void this.unwish(item), { small: true });
    if (!product) return el("li", {}, el("span", { class: "meta" }, t("No longer offered by the firm")), " ", remove);
    const add = button(t("Add to solution"), () => this.add(product), { small: true, primary: true });
    return el("li", {}, el("strong", {}, product.name), " · ", product.store_name, " · ", moneyText(product.shown), " ", add, " ", remove);
  }

  /**
   * @param {string} id
   * @param {string} heading
   * @param {PromiseSettledResult<any>} settled
   * @param {(item: any) => HTMLElement} item
   * @param {string} empty
   */
  panel(id, heading, settled, item, empty) {
    const list = settled.status === "fulfilled" ? (Array.isArray(settled.value) ? settled.value : []) : [];
    const body = settled.status === "rejected"
      ? el("p", { class: "error" }, this.expired(settled.reason))
      : list.length ? el("ul", { class: "plain-list" }, ...list.map(item)) : el("p", { class: "empty" }, empty);
    return el("section", { class: "panel", "aria-labelledby": id }, el("h3", { id }, heading), body);
  }
}
