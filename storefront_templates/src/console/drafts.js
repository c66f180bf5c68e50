// The console's "Personalised items" (docs/personalise.md "For shops: watching and helping"):
// every held item of a product with a form, with the buyer's progress (required fields done),
// last edit and hold. The order stays put while buyers type (rows moving under the pointer would
// make the shop follow the wrong one): first seen, then cart and product; new items go last.
// Live: the store stream's `draft_changed` updates a row (and the followed draft) as the buyer
// types; ticket events (carted, released, expired, bought) reload the list. "Follow" opens the draft beside the list (draft-panel.js).

import { refocus } from "../shared/dialog.js";
import { button, byId, el, fill, row } from "./dom.js";
import { clock, progressNode } from "./draft-fields.js";
import { DraftPanel } from "./draft-panel.js";
import { store } from "./store.js";

/** @typedef {import("../shared/forms").DraftSummary} DraftSummary */
/** @typedef {import("../shared/forms").DraftView} DraftView */

/** @type {Map<string, DraftSummary>} cart_ref/product_id -> summary */
const shown = new Map();
/** @type {Map<string, number>} cart_ref/product_id -> when this console first saw it (the row's place) */
const place = new Map();
let seen = 0;
/** @type {DraftPanel | null} */
let panel = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let reloadTimer;

const EDITING = { off: "", asked: "You asked to edit", allowed: "You may edit" };

/** @param {{cart_ref: string, product_id: string}} d */
const keyOf = (d) => `${d.cart_ref}/${d.product_id}`;

function followed() {
  panel ??= new DraftPanel(byId("draft-panel", HTMLElement), { onClose: draw });
  return panel;
}

/** @param {DraftSummary} d */
function lastEdit(d) {
  if (!d.last_edit_at) return el("span", "Not started", { class: "hint" });
  return el("span", `${clock(d.last_edit_at)} by ${d.last_edit_by === "shop" ? "the shop" : "the buyer"}`);
}

function draw() {
  const open = panel?.key ?? "";
  const items = [...shown.values()].sort((a, b) => (place.get(keyOf(a)) ?? 0) - (place.get(keyOf(b)) ?? 0));
  const rows = items.map((d) => {
    const key = keyOf(d);
    const follow = button(key === open ? "Following" : "Follow", key !== open, {
      "aria-label": `Follow ${d.product_name} in cart ${d.cart_ref.slice(0, 8)}`,
      "data-focus-key": `follow:${key}`,
    });
    if (key === open) follow.setAttribute("aria-pressed", "true");
    follow.addEventListener("click", () => {
      followed().open(d.cart_ref, d.product_id);
      draw();
    });
    const product = el("span", `${d.qty} × ${d.product_name}`);
    product.append(el("br"), el("small", `Cart ${d.cart_ref.slice(0, 8)}`));
    if (EDITING[d.shop_editing]) product.append(el("br"), el("small", EDITING[d.shop_editing], { class: "editing" }));
    const edited = el("span");
    edited.append(lastEdit(d), el("br"), el("small", `Held until ${clock(d.expires_at)}`));
    const tr = row([product, progressNode(d.progress), edited, follow]);
    tr.dataset.draft = key;
    if (key === open) tr.classList.add("following");
    return tr;
  });
  const focused = document.activeElement;
  fill(byId("drafts", HTMLTableSectionElement), rows, byId("drafts-empty", HTMLElement));
  if (focused && !focused.isConnected) refocus(focused); // redrawn: keep the keyboard's place
  const badge = byId("drafts-count", HTMLSpanElement);
  badge.textContent = items.length ? `${items.length} in carts` : "";
  badge.hidden = items.length === 0;
}

export async function loadDrafts() {
  const error = byId("drafts-error", HTMLParagraphElement);
  try {
    /** @type {DraftSummary[]} */
    const list = await store.call("/drafts");
    shown.clear();
    const byCart = [...list].sort((a, b) => a.cart_ref.localeCompare(b.cart_ref) || a.product_id.localeCompare(b.product_id));
    for (const d of byCart) {
      shown.set(keyOf(d), d);
      if (!place.has(keyOf(d))) place.set(keyOf(d), seen++); // new items after the ones shown
    }
    for (const key of [...place.keys()]) if (!shown.has(key)) place.delete(key);
    error.textContent = "";
    const open = panel?.key;
    if (open && panel?.draft && !shown.has(open)) panel.gone(); // the hold ended
    draw();
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/[.\s]*$/, "");
    error.textContent = `Could not load the personalised items: ${why}.`;
  }
}

/** The list again soon (tickets come in bursts). */
export function reloadDrafts() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(loadDrafts, 150);
}

/** After the feed reconnected: the list and the followed draft again. */
export function catchUpDrafts() {
  reloadDrafts();
  if (panel?.draft) panel.reload();
}

/**
 * The store stream's `draft_changed`: the row and the followed draft at once.
 * @param {DraftView} draft
 */
export function onDraftChanged(draft) {
  const key = keyOf(draft);
  const known = shown.get(key);
  if (!known) {
    reloadDrafts(); // a row the list does not have yet (its qty and hold come from the list)
  } else if (draft.version >= known.version) {
    shown.set(key, {
      ...known,
      progress: draft.progress,
      shop_editing: draft.shop_editing,
      last_edit_at: draft.last_edit_at,
      last_edit_by: draft.last_edit_by,
      expires_at: draft.expires_at ?? known.expires_at,
      version: draft.version,
    });
    draw();
  }
  if (panel?.key === key) panel.show(draft);
}
