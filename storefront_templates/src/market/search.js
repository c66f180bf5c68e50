// The search: the query and the filters, the results with their count (said to screen readers
// through the polite #count), the chips of active filters, the pages, and the empty states.
// One search at a time: a newer one aborts the one still on its way.

import { CartStartError } from "../shared/http.js";
import * as api from "./api.js";
import { button, byId, el, keepingFocus } from "./dom.js";
import { isAbort, problem } from "./errors.js";
import { card } from "./results.js";
import { t, tn } from "./words.js";

/** @typedef {import("./api.js").SearchAnswer} SearchAnswer */
/** @typedef {import("./results.js").CardActions} CardActions */

export const FILTERS = /** @type {const} */ (["store", "industry", "area", "category", "subcategory", "price", "in_stock"]);
/** @typedef {typeof FILTERS[number]} Filter */
/** The levels of the tree, top down: choosing one clears the ones below it. */
export const LEVELS = /** @type {const} */ (["industry", "area", "category", "subcategory"]);

export class Search {
  /**
   * @param {CardActions} actions
   * @param {(answer: SearchAnswer | null) => void} answered the facets draw from the answer
   */
  constructor(actions, answered) {
    this.actions = actions;
    this.answered = answered;
    this.q = "";
    /** @type {Partial<Record<Filter, string>>} */
    this.filters = {};
    /** @type {Partial<Record<Filter, string>>} names of the chosen filters, for the chips */
    this.names = {};
    this.page = 1;
    /** @type {SearchAnswer | null} */
    this.answer = null;
    /** @type {AbortController | null} */
    this.pending = null;
    this.results = byId("results", HTMLElement);
    this.count = byId("count", HTMLElement);
    this.empty = byId("results-empty", HTMLElement);
    this.pages = byId("pages", HTMLElement);
    this.chips = byId("chips", HTMLElement);
  }

  /**
   * Sets (or, with an empty id, clears) a filter and searches again from the first page.
   * @param {Filter} filter
   * @param {string} id
   * @param {string} [name]
   */
  choose(filter, id, name = id) {
    const level = LEVELS.indexOf(/** @type {any} */ (filter));
    if (level >= 0) for (const below of LEVELS.slice(level + 1)) this.forget(below);
    if (id) {
      this.filters[filter] = id;
      this.names[filter] = name;
    } else this.forget(filter);
    this.page = 1;
    void this.run();
  }

  /** @param {Filter} filter */
  forget(filter) {
    delete this.filters[filter];
    delete this.names[filter];
  }

  clear() {
    this.filters = {};
    this.names = {};
    this.page = 1;
    void this.run();
  }

  /** @param {string} q */
  query(q) {
    this.q = q.trim();
    this.page = 1;
    // The address keeps the words, so a reload or a bookmark searches again.
    const url = new URL(location.href);
    if (this.q) url.searchParams.set("q", this.q);
    else url.searchParams.delete("q");
    history.replaceState(history.state, "", url);
    void this.run();
  }

  async run() {
    this.pending?.abort();
    this.drawChips();
    const typeFirst = () => {
      this.answer = null;
      this.answered(null);
      this.show([], this.hasFilters() ? t("Now type what you are looking for: the search keeps to the filters you chose.") : t("Type what you need above: a product's name, its code or part of it, several words if you like. Or browse the categories."));
      this.count.textContent = "";
    };
    if (!this.q && !this.hasFilters()) {
      typeFirst();
      return;
    }
    const pending = new AbortController();
    this.pending = pending;
    this.results.setAttribute("aria-busy", "true");
    try {
      /** @type {Record<string, string>} */
      const params = { q: this.q, page: String(this.page) };
      for (const [name, value] of Object.entries(this.filters)) if (value) params[name] = value;
      const answer = await api.search(params, pending.signal);
      if (pending.signal.aborted) return;
      this.answer = answer;
      this.draw();
      this.answered(answer);
    } catch (error) {
      if (isAbort(error)) return;
      // Browsing a category without words: a hub that wants words answers bad_query.
      if (!this.q && error instanceof CartStartError && error.code === "bad_query") {
        typeFirst();
        return;
      }
      this.count.textContent = "";
      this.show([], problem(error));
    } finally {
      if (this.pending === pending) {
        this.pending = null;
        this.results.removeAttribute("aria-busy");
      }
    }
  }

  hasFilters() {
    return Object.values(this.filters).some(Boolean);
  }

  /** Draws the answer again (the solution changed: the cards' buttons say so). */
  draw() {
    const answer = this.answer;
    if (!answer) return;
    const browsing = !answer.query;
    this.count.textContent = browsing
      ? tn("{n} product", "{n} products", answer.total)
      : answer.total
        ? tn("{n} product found for “{q}”", "{n} products found for “{q}”", answer.total, { q: answer.query })
        : t("Nothing found for “{q}”", { q: answer.query });
    const cards = answer.results.map((result) => card(result, this.actions));
    const hint = browsing
      ? t("Nothing listed here yet. Choose another category, or search by name or code.")
      : this.hasFilters()
      ? t("Nothing matches “{q}” with these filters. Remove a filter, or search with fewer words.", { q: answer.query })
      : t("Nothing matches “{q}”. Check the spelling, use fewer words or only part of a code.", { q: answer.query });
    keepingFocus(this.results, () => this.show(cards, answer.total ? "" : hint));
    this.drawPages(answer);
  }

  /**
   * @param {HTMLElement[]} cards
   * @param {string} emptyText
   */
  show(cards, emptyText) {
    this.results.replaceChildren(...cards);
    this.results.hidden = cards.length === 0;
    this.empty.hidden = cards.length > 0;
    this.empty.replaceChildren(emptyText);
    if (!cards.length && this.hasFilters()) this.empty.append(" ", button(t("Clear the filters"), () => this.clear(), { small: true }));
    if (!cards.length) this.pages.replaceChildren();
  }

  /** @param {SearchAnswer} answer */
  drawPages(answer) {
    this.pages.setAttribute("aria-label", t("Pages of results"));
    if (answer.pages <= 1) {
      this.pages.replaceChildren();
      return;
    }
    /** @param {number} page */
    const go = (page) => {
      this.page = page;
      void this.run().then(() => byId("count", HTMLElement).scrollIntoView({ block: "nearest" }));
    };
    const back = button(t("Previous"), () => go(answer.page - 1), { small: true, attrs: { "data-focus-key": "page:prev" } });
    back.disabled = answer.page <= 1;
    const next = button(t("Next"), () => go(answer.page + 1), { small: true, attrs: { "data-focus-key": "page:next" } });
    next.disabled = answer.page >= answer.pages;
    keepingFocus(this.pages, () => this.pages.replaceChildren(back, el("span", {}, t("Page {page} of {pages}", { page: answer.page, pages: answer.pages })), next));
  }

  drawChips() {
    this.chips.setAttribute("aria-label", t("Filters in use"));
    const chips = Object.entries(this.names).map(([filter, name]) =>
      el(
        "li",
        {},
        button(`${name} ×`, () => this.choose(/** @type {Filter} */ (filter), ""), { attrs: { "aria-label": t("Remove the filter {name}", { name: name ?? "" }), "data-focus-key": `chip:${filter}` } }),
      ),
    );
    keepingFocus(this.chips, () => this.chips.replaceChildren(...chips));
  }
}
