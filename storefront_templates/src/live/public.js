// Public mode's requests to the hub: the store's public page (asked again, after a backoff,
// until the hub answers), and the start form, which opens a session.

import { Backoff, RECONNECT, sleep } from "../shared/backoff.js";
import { CartStartError, httpJson, request } from "../shared/http.js";
import { averageWords, starsNode } from "../shared/stars.js";
import { byId } from "./dom.js";
import { say, words } from "./texts.js";

/** @typedef {import("./types").PublicSnapshot} PublicSnapshot */
/** @typedef {import("./types").RatingSummary} RatingSummary */

/**
 * The store's average under its name, when its owner shows it and calls were rated.
 * @param {RatingSummary | null | undefined} rating
 */
export function showRating(rating) {
  const place = byId("store-rating", HTMLParagraphElement);
  const said = rating ? averageWords(rating) : "";
  place.hidden = !said;
  if (!rating || rating.average === null || !said) return place.replaceChildren();
  const text = document.createElement("span");
  text.textContent = `${said} after video calls`;
  text.setAttribute("aria-hidden", "true");
  place.replaceChildren(starsNode(rating.average, `Rated ${said} after video calls`), " ", text);
}

/**
 * @typedef {Object} PublicDeps
 * @property {URL} hub
 * @property {string} store the store's id
 * @property {(response: Response) => void} learnClock the hub's clock, from an answer
 * @property {() => void} unreachable the hub did not answer (it is asked again)
 */

/**
 * The store's public page, until it answers. Null when its page is off or unknown.
 * @param {PublicDeps} deps
 */
export async function publicSnapshot(deps) {
  const backoff = new Backoff(RECONNECT);
  for (;;) {
    try {
      const response = await request(deps.hub, `api/live/stores/${encodeURIComponent(deps.store)}`);
      deps.learnClock(response);
      return /** @type {PublicSnapshot} */ (await response.json());
    } catch (error) {
      if (error instanceof CartStartError && error.status === 404) return null;
      deps.unreachable();
      await sleep(backoff.next());
    }
  }
}

/**
 * The start form: a new session with the store, entered at once.
 * @param {URL} hub
 * @param {string} store the store's id
 * @param {(link: string) => void} enter
 */
export function startForm(hub, store, enter) {
  byId("start-form", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = byId("start-submit", HTMLButtonElement);
    const error = byId("start-error", HTMLParagraphElement);
    error.textContent = "";
    submit.disabled = true;
    try {
      const label = byId("start-name", HTMLInputElement).value.trim();
      /** @type {{link: string}} */
      const started = await httpJson(hub, `api/live/stores/${encodeURIComponent(store)}/sessions`, { method: "POST", body: { label } });
      enter(started.link);
      byId("chat-input", HTMLTextAreaElement).focus();
    } catch (e) {
      error.textContent = words(e, say("startFailed"));
    } finally {
      submit.disabled = false;
    }
  });
}
