// The words of market.html itself (labels, headings, buttons), set in the page's language.

import { byId } from "./dom.js";
import { t } from "./words.js";

/** Sets every fixed word of the page (again, after the language changed). */
export function staticWords() {
  document.title = t("Marketplace: every store at once");
  /** @type {[string, string][]} */
  const words = [
    ["skip", t("Skip to the marketplace")],
    ["home", t("Marketplace")],
    ["currency-label", t("Currency")],
    ["search-label", t("Search every store: names, codes, parts of words")],
    ["search-submit", t("Search")],
    ["filters-title", t("Filters")],
    ["tree-title", t("Browse categories")],
    ["results-title", t("Results")],
  ];
  for (const [id, text] of words) byId(id, HTMLElement).textContent = text;
  byId("q", HTMLInputElement).placeholder = t("For example: LED panel 60x60, or 2210");
  byId("lang-group", HTMLElement).setAttribute("aria-label", t("Language"));
  byId("currency", HTMLSelectElement).title = t("Prices are shown in this currency; converted prices are approximate");
  for (const b of document.querySelectorAll(".lang button")) {
    if (b instanceof HTMLElement) b.title = b.dataset.lang === "sr" ? "Srpski (latinica)" : "English";
  }
}
