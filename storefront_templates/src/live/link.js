// The session link, kept two ways: in localStorage by store (this browser comes back to its
// session), and in the address's fragment `#session=<link>` (never sent to any server), so the
// visitor can bookmark the page or open it on another device.

/** @param {string} store */
const kept = (store) => `cartstart.live.${store}`;

/**
 * The link in the address (#session=...), else the one this browser kept for the store.
 * @param {string} store
 */
export function linkOnLoad(store) {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get("session");
  try {
    return fromFragment || localStorage.getItem(kept(store));
  } catch {
    return fromFragment; // storage refused (private mode): the address still holds it
  }
}

/**
 * @param {string} store
 * @param {string} link
 */
export function keep(store, link) {
  try {
    localStorage.setItem(kept(store), link);
  } catch {
    // the address's fragment still holds it
  }
  history.replaceState(null, "", `${location.pathname}${location.search}#session=${encodeURIComponent(link)}`);
}

/** @param {string} store */
export function forget(store) {
  try {
    localStorage.removeItem(kept(store));
  } catch {
    // nothing kept
  }
  history.replaceState(null, "", `${location.pathname}${location.search}`);
}

/**
 * The address that opens this session again (on any device).
 * @param {string} link
 */
export const comeBackUrl = (link) => `${location.origin}${location.pathname}${location.search}#session=${encodeURIComponent(link)}`;
