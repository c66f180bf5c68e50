// Ratings of calls in the console (docs/agents.md "Ratings"): the store's average and how many
// ratings, each agent's average and the recent ratings with their comments for owners and the
// store's key; "Your rating" (the agent's own, beside the store's) for an agent. Read from
// GET /api/stores/{id}/ratings when the console opens and again when a visitor rates a call in
// a session this console follows. Comments are the visitors' words: shown as text only.

import { averageWords, starsLabel, starsNode } from "../shared/stars.js";
import { byId, el, row } from "./dom.js";
import { reasonOf } from "./live/words.js";
import { store } from "./store.js";

/** @typedef {import("../shared/live").Ratings} Ratings */
/** @typedef {import("../shared/live").RatingSummary} RatingSummary */
/** @typedef {import("../shared/live").CallRating} CallRating */

let agentView = false; // an agent sees "Your rating"; owners and the key see everyone
/** @type {ReturnType<typeof setTimeout> | undefined} */
let again;

/** @param {number} at seconds */
const when = (at) =>
  new Date(at * 1000).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/**
 * Stars and words for an average; `none` when nothing was rated yet.
 * @param {RatingSummary} summary
 * @param {string} none
 */
function average(summary, none) {
  const words = averageWords(summary);
  if (!words || summary.average === null) return el("span", none);
  const span = el("span");
  span.append(starsNode(summary.average, `Average ${words}`), " ", el("span", words, { "aria-hidden": "true" }));
  return span;
}

/** @param {CallRating} r */
function ratingItem(r) {
  const li = el("li");
  const who = agentView ? "" : ` · ${r.agent_name || "taken with the store's key"}`;
  li.append(starsNode(r.stars, starsLabel(r.stars)), el("span", `${when(r.at)}${who}`, { class: "meta" }));
  if (r.comment) li.append(el("p", r.comment, { class: "comment" }));
  else li.append(el("p", "No comment.", { class: "comment meta" }));
  return li;
}

/** @param {Ratings} ratings */
function draw(ratings) {
  const summary = byId("ratings-summary", HTMLParagraphElement);
  summary.replaceChildren();
  if (agentView) {
    const mine = ratings.agents[0] ?? { average: null, count: 0 };
    summary.append(
      el("strong", "Your calls: "),
      average(mine, "no ratings yet"),
      el("br"),
      el("span", "The store: ", { class: "hint" }),
      average(ratings.store, "no ratings yet"),
    );
  } else {
    summary.append(el("strong", "The store: "), average(ratings.store, "no ratings yet"));
    const rows = ratings.agents.map((a) => row([a.name || "A removed agent", average(a, "—"), a.count]));
    byId("ratings-agents", HTMLTableSectionElement).replaceChildren(...rows);
    byId("ratings-agents-table", HTMLTableElement).hidden = rows.length === 0; // only calls the key took
  }
  const list = byId("ratings-recent", HTMLUListElement);
  list.replaceChildren(...ratings.recent.map(ratingItem));
  const none = ratings.recent.length === 0;
  list.hidden = none;
  byId("ratings-recent-title", HTMLHeadingElement).hidden = none;
  byId("ratings-empty", HTMLParagraphElement).hidden = !none;
}

export async function loadRatings() {
  const error = byId("ratings-error", HTMLParagraphElement);
  try {
    draw(await store.call("/ratings"));
    error.textContent = "";
  } catch (e) {
    error.textContent = `The ratings could not be loaded. ${reasonOf(e)}`;
  }
}

/** A visitor rated a call: read the averages again (once for a burst). */
export function ratingsChanged() {
  clearTimeout(again);
  again = setTimeout(() => void loadRatings(), 300);
}

/** @param {{role: string}} who the console's sign-in (GET /api/console/me) */
export function startRatings(who) {
  agentView = who.role === "agent";
  byId("ratings-title", HTMLHeadingElement).textContent = agentView ? "Your rating" : "Ratings";
  byId("ratings-section", HTMLElement).hidden = false;
  void loadRatings();
}
