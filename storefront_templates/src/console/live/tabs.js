// Tabs as the WAI-ARIA pattern has them: one tab in the page's tab order, arrow keys (and Home,
// End) move between tabs and show their panel, each panel labelled by its tab.

/**
 * @typedef {Object} Tabs
 * @property {(tabId: string, focus?: boolean) => void} select
 * @property {() => string} current the selected tab's id
 */

/**
 * @param {HTMLElement} list the element with role="tablist"
 * @param {(tabId: string) => void} [onSelect]
 * @returns {Tabs}
 */
export function tabs(list, onSelect) {
  const all = /** @type {HTMLElement[]} */ (Array.from(list.querySelectorAll(":scope > [role=tab]")));
  const panelOf = (/** @type {HTMLElement} */ tab) => document.getElementById(tab.getAttribute("aria-controls") ?? "");
  let current = all.find((t) => t.getAttribute("aria-selected") === "true") ?? all[0];

  /** @type {Tabs["select"]} */
  function select(tabId, focus = false) {
    const chosen = all.find((t) => t.id === tabId);
    if (!chosen) return;
    for (const tab of all) {
      const on = tab === chosen;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = panelOf(tab);
      if (panel) panel.hidden = !on;
    }
    if (focus) chosen.focus();
    const changed = chosen !== current;
    current = chosen;
    if (changed) onSelect?.(chosen.id);
  }

  for (const tab of all) {
    tab.addEventListener("click", () => select(tab.id));
    tab.addEventListener("keydown", (event) => {
      const shown = all.filter((t) => !t.hidden); // a tab this console may not use is hidden
      const i = shown.indexOf(tab);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(shown[(to + shown.length) % shown.length].id, true);
    });
  }
  return { select, current: () => current.id };
}
