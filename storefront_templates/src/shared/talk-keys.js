// Where the talk panel keeps its conversation on the store's own site (docs/storefront.md
// "Talk to us"): the session link in localStorage (it survives navigation, reloads and new tabs
// of that site), whether the panel was open in sessionStorage (this tab only). Shared by the
// widget (which loads static/talk.js at once when a conversation is kept) and the panel.

/** @param {string} store */
const linkKey = (store) => `cartstart.talk.${store}`;
/** @param {string} store */
const openKey = (store) => `cartstart.talk.open.${store}`;

/**
 * @param {Storage} storage
 * @param {string} key
 */
function read(storage, key) {
  try {
    return storage.getItem(key);
  } catch {
    return null; // storage refused (private mode, a sandbox): nothing kept
  }
}

/**
 * @param {Storage} storage
 * @param {string} key
 * @param {string | null} value null: forget it
 */
function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // not kept: the conversation lasts as long as this page
  }
}

/** @param {string} store */
export const keptLink = (store) => read(localStorage, linkKey(store));
/** @param {string} store @param {string | null} link */
export const keepLink = (store, link) => write(localStorage, linkKey(store), link);
/** @param {string} store */
export const wasOpen = (store) => read(sessionStorage, openKey(store)) === "1";
/** @param {string} store @param {boolean} open */
export const keepOpen = (store, open) => write(sessionStorage, openKey(store), open ? "1" : null);

/** The last seq this tab applied (`seq`) and followed a `navigated` (`nav`), per session. */
export const tabMark = {
  /** @param {"seq" | "nav"} what @param {string} session */
  get: (what, session) => {
    const value = read(sessionStorage, `cartstart.talk.${what}.${session}`);
    return value === null ? null : Number(value);
  },
  /** @param {"seq" | "nav"} what @param {string} session @param {number} seq */
  set: (what, session, seq) => write(sessionStorage, `cartstart.talk.${what}.${session}`, String(seq)),
};

/** This tab's id (sessionStorage: it survives the tab's navigations and reloads). */
function tabId() {
  const kept = read(sessionStorage, "cartstart.talk.tab");
  if (kept) return kept;
  const made = Math.random().toString(36).slice(2);
  write(sessionStorage, "cartstart.talk.tab", made);
  return made;
}

/** The tab the visitor talks in (the last that opened the panel) is the one the store's pushes
 * drive; the site's other tabs stay where they are. @param {string} store */
export const markTalkingTab = (store) => write(localStorage, `cartstart.talk.tab.${store}`, tabId());
/** @param {string} store */
export const isTalkingTab = (store) => {
  const talking = read(localStorage, `cartstart.talk.tab.${store}`);
  return talking === null || talking === tabId();
};

/**
 * The anonymous id the widget's presence reports keep for this store (src/widget/presence.js),
 * so the agent's visitor list and the conversation name the same visitor; none when presence
 * is off or the visitor asked to be forgotten (the session then names no visitor).
 * @param {string} store
 */
export function visitorId(store) {
  const kept = read(localStorage, `cartstart-visitor:${store}`);
  return kept && /^[A-Za-z0-9_-]{22,32}$/.test(kept) ? kept : undefined;
}
