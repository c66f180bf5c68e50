// The filters beside the results: each facet of the last answer with its counts (a value is a
// toggle button: pressed while it filters), and the category tree to browse with its counts.

import * as api from "./api.js";
import { byId, el, keepingFocus } from "./dom.js";
import { problem } from "./errors.js";
import { t, tn } from "./words.js";

/** @typedef {import("./search.js").Search} Search */
/** @typedef {import("./search.js").Filter} Filter */
/** @typedef {import("./api.js").SearchAnswer} SearchAnswer */
/** @typedef {import("./api.js").TreeNode} TreeNode */

/** @returns {Record<Filter, string>} */
const facetNames = () => ({
  store: t("Firm"),
  industry: t("Industry"),
  area: t("Area"),
  category: t("Category"),
  subcategory: t("Subcategory"),
  price: t("Price"),
  in_stock: t("Availability"),
});

/**
 * A value to filter by, with its count.
 * @param {string} name
 * @param {number} count
 * @param {boolean} pressed
 * @param {string} key
 * @param {() => void} onClick
 * @param {"aria-pressed" | "aria-current"} state
 */
function choice(name, count, pressed, key, onClick, state = "aria-pressed") {
  const b = el(
    "button",
    { type: "button", [state]: String(pressed), "data-focus-key": key },
    el("span", { class: "name" }, name),
    el("span", { class: "count", "aria-hidden": "true" }, String(count)),
    el("span", { class: "visually-hidden" }, ", " + tn("{n} product", "{n} products", count)),
  );
  b.addEventListener("click", onClick);
  return b;
}

/**
 * Draws the facets of `answer` (nothing before the first search).
 * @param {Search} search
 * @param {SearchAnswer | null} answer
 */
export function drawFacets(search, answer) {
  const box = byId("facets", HTMLElement);
  if (!answer) {
    box.replaceChildren(el("p", { class: "hint" }, t("Filters appear with the results.")));
    return;
  }
  const names = facetNames();
  /** @type {HTMLElement[]} */
  const groups = [];
  for (const [filter, title] of /** @type {[Filter, string][]} */ (Object.entries(names))) {
    const values = answer.facets[filter] ?? [];
    if (!values.length && !search.filters[filter]) continue;
    const items = values.map((value) => {
      const on = search.filters[filter] === value.id;
      return el("li", {}, choice(value.name, value.count, on, `facet:${filter}:${value.id}`, () => search.choose(filter, on ? "" : value.id, value.name)));
    });
    groups.push(el("fieldset", { class: "facet" }, el("legend", {}, title), el("ul", {}, ...items)));
  }
  keepingFocus(box, () => box.replaceChildren(...groups));
}

export class Tree {
  /** @param {Search} search */
  constructor(search) {
    this.search = search;
    /** @type {TreeNode[]} */
    this.nodes = [];
    this.box = byId("tree", HTMLElement);
  }

  async load() {
    try {
      this.nodes = (await api.tree()).nodes ?? [];
      this.draw();
    } catch (error) {
      this.box.replaceChildren(el("p", { class: "error" }, problem(error)));
    }
  }

  draw() {
    if (!this.nodes.length) {
      this.box.replaceChildren(el("p", { class: "hint" }, t("No categories yet: the hub's administrator has not set up the tree.")));
      return;
    }
    keepingFocus(this.box, () => this.box.replaceChildren(this.list(this.nodes)));
  }

  /** @param {TreeNode[]} nodes */
  list(nodes) {
    return el(
      "ul",
      {},
      ...nodes.map((node) => {
        const level = /** @type {Filter} */ (node.level);
        const chosen = this.search.filters[level] === node.id;
        const item = el(
          "li",
          {},
          choice(node.name, node.count, chosen, `tree:${node.id}`, () => this.choose(node, chosen), "aria-current"),
        );
        // The branch opens under a chosen node, so a buyer walks down level by level.
        const open = chosen || this.contains(node, this.search.filters);
        if (open && node.children?.length) item.append(this.list(node.children));
        return item;
      }),
    );
  }

  /**
   * @param {TreeNode} node
   * @param {boolean} chosen
   */
  choose(node, chosen) {
    const level = /** @type {Filter} */ (node.level);
    this.search.choose(level, chosen ? "" : node.id, node.name);
    this.draw();
  }

  /**
   * Whether one of the chosen filters is below `node`.
   * @param {TreeNode} node
   * @param {Partial<Record<Filter, string>>} filters
   * @returns {boolean}
   */
  contains(node, filters) {
    return (node.children ?? []).some((child) => filters[/** @type {Filter} */ (child.level)] === child.id || this.contains(child, filters));
  }
}
