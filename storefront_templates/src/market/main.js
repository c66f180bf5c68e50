// The marketplace (/market/, the hub's static market.html): the entry point of static/market.js.
// Search every store with facets and the category tree, in a chosen display currency and
// language (English or Serbian); build a solution from several firms, save it (a private link:
// `#solution=<id>.<secret>`), and send it as requests for quote or orders; registered buyers sign
// in to keep their solutions, requests and wishlist (`#account`). Everything shown goes in as
// textContent.

import { DIALOG_CSS, injectStyle } from "../shared/style.js";
import { Account } from "./account.js";
import * as api from "./api.js";
import { Builder } from "./builder.js";
import { byId, el } from "./dom.js";
import { problem } from "./errors.js";
import { Tree, drawFacets } from "./filters.js";
import { SolutionPage } from "./page.js";
import { Search } from "./search.js";
import { Solution, linkIn } from "./state.js";
import { staticWords } from "./texts.js";
import { lang, safeGet, safeSet, startLanguage, t, useLanguage } from "./words.js";

const CURRENCY_KEY = "cartstart.market.currency";

injectStyle("cartstart-style", DIALOG_CSS);

const solution = Solution.restore();
const account = new Account(
  () => {
    drawHeader();
    search.draw();
  },
  (result) => builder.add(result),
);
const builder = new Builder(solution, () => search.draw());
const search = new Search(
  {
    add: (result) => builder.add(result),
    wish: (result) => (api.signedIn() ? void account.wish(result) : account.signIn()),
    inSolution: (result) => solution.has(result),
  },
  (answer) => drawFacets(search, answer),
);
const tree = new Tree(search);
const page = new SolutionPage(solution, () => {
  location.hash = "";
});

function drawHeader() {
  const who = byId("who", HTMLElement);
  who.hidden = !api.signedIn();
  who.textContent = account.email;
  const accountButton = byId("account-button", HTMLButtonElement);
  accountButton.textContent = api.signedIn() ? t("Your account") : t("Sign in");
  byId("sign-out", HTMLButtonElement).hidden = !api.signedIn();
  for (const b of document.querySelectorAll(".lang button")) {
    if (b instanceof HTMLButtonElement) b.setAttribute("aria-pressed", String(b.dataset.lang === lang()));
  }
}

/** The screen the address asks for: a solution, the account, or the search. */
async function route() {
  const link = linkIn(location.hash);
  const screens = { search: byId("search-screen", HTMLElement), solution: byId("solution-screen", HTMLElement), account: byId("account-screen", HTMLElement) };
  const showing = link ? "solution" : location.hash === "#account" ? "account" : "search";
  for (const [name, screen] of Object.entries(screens)) screen.hidden = name !== showing;
  if (link) {
    await page.open(link.id, link.secret);
    builder.draw();
    byId("solution-title", HTMLElement).focus();
  } else if (showing === "account") {
    await account.show();
    byId("account-title", HTMLElement).focus();
  } else {
    builder.draw();
  }
}

async function loadCurrencies() {
  const select = byId("currency", HTMLSelectElement);
  try {
    const known = await api.currencies();
    const kept = safeGet(CURRENCY_KEY);
    const chosen = kept && known.currencies.includes(kept) ? kept : known.base;
    select.replaceChildren(...known.currencies.map((code) => el("option", { value: code, selected: code === chosen }, code)));
    api.setCurrency(chosen);
  } catch (error) {
    select.replaceChildren(el("option", { value: "" }, "—"));
    select.title = problem(error);
  }
}

/** Everything drawn in words, drawn again (the language changed). */
async function redraw() {
  staticWords();
  drawHeader();
  drawFacets(search, search.answer);
  await Promise.all([tree.load(), search.run()]);
  await route();
}

/** @param {"en" | "sr"} wanted */
async function switchLanguage(wanted) {
  try {
    await useLanguage(api.HUB, wanted);
  } catch (error) {
    byId("count", HTMLElement).textContent = problem(error);
    return;
  }
  await redraw();
}

function wire() {
  byId("search-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    search.query(byId("q", HTMLInputElement).value);
  });
  byId("currency", HTMLSelectElement).addEventListener("change", (event) => {
    const code = /** @type {HTMLSelectElement} */ (event.target).value;
    api.setCurrency(code);
    safeSet(CURRENCY_KEY, code);
    search.forget("price"); // its ranges are in the old currency
    void search.run();
    if (linkIn(location.hash)) void route();
  });
  for (const b of document.querySelectorAll(".lang button")) {
    b.addEventListener("click", () => void switchLanguage(/** @type {"en" | "sr"} */ (b instanceof HTMLElement ? b.dataset.lang : "en")));
  }
  byId("account-button", HTMLButtonElement).addEventListener("click", () => (api.signedIn() ? (location.hash = "account") : account.signIn()));
  byId("sign-out", HTMLButtonElement).addEventListener("click", () => void account.signOut());
  byId("home", HTMLAnchorElement).addEventListener("click", (event) => {
    event.preventDefault();
    location.hash = "";
    byId("q", HTMLInputElement).focus();
  });
  window.addEventListener("hashchange", () => void route());
}

async function start() {
  wire();
  try {
    await useLanguage(api.HUB, startLanguage());
  } catch {
    await useLanguage(api.HUB, "en"); // the catalogue did not come: English, which needs none
  }
  await loadCurrencies();
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    byId("q", HTMLInputElement).value = asked;
    search.q = asked.trim();
  }
  await redraw();
  document.body.dataset.ready = "";
}

void start();
