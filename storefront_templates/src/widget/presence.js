// Presence for the store's agents (docs/storefront.md, "Who is on your pages"): only while the
// store's workspace is on (`talk.enabled`), the page reports which of the store's pages this
// visitor is on, active or idle, on load, on a change and every 15 s. The visitor is an
// anonymous id (128 random bits) kept in localStorage on the store's origin, so a returning
// visitor keeps it. A notice says so once, with "Forget me": the hub then deletes what it kept
// and this browser reports nothing more to that store.

/** @typedef {import("./texts.js").Translate} Translate */
/** @typedef {import("./notice.js").Notice} Notice */
/** @typedef {{type: "presence", store_id: string, visitor_id: string, url: string, title: string, state: "active" | "idle", site_since: number, page_since: number, tz: string, lang: string}} Report */

const BEAT_MS = 15000;
const IDLE_MS = 60000;
const TICK_MS = 1000;
const MIN_GAP_MS = 2000; // the hub's limit for reports that do not change active/idle
const SITE_GAP_MS = 30 * 60000; // a visit ends after 30 minutes away (the hub's rule too)

/**
 * @param {string} storeId
 * @param {{send: (report: Report) => void, forget: (visitorId: string) => Promise<unknown>}} hub
 * @param {Notice} notice
 * @param {Translate} text
 * @returns {(enabled: boolean) => void} the store's workspace is on or off
 */
export function presence(storeId, hub, notice, text) {
  const key = (/** @type {string} */ name) => `cartstart-${name}:${storeId}`;
  const store = safeStorage();
  if (store?.getItem(key("forgotten"))) return () => {};
  let id = store?.getItem(key("visitor")) ?? "";
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").slice(0, 22);
    store?.setItem(key("visitor"), id);
  }
  const now = Date.now();
  const last = Number(store?.getItem(key("seen")) ?? 0);
  const since = Number(store?.getItem(key("since")) ?? 0);
  const siteSince = since && now - last < SITE_GAP_MS ? since : now;
  store?.setItem(key("since"), String(siteSince));
  let pageSince = now;
  let url = "";
  let state = "";
  let sent = 0;
  let input = now;
  let on = false;
  let stopped = false;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;

  const report = () => {
    const at = Date.now();
    const here = location.href.split("#")[0];
    const idle = document.hidden || at - input >= IDLE_MS ? "idle" : "active";
    if (here !== url && url) pageSince = at; // a single-page app moved on
    const changed = idle !== state;
    if (!changed && at - sent < (here === url ? BEAT_MS : MIN_GAP_MS)) return;
    url = here;
    state = idle;
    sent = at;
    store?.setItem(key("seen"), String(at));
    hub.send({
      type: "presence", store_id: storeId, visitor_id: id, url, title: document.title.slice(0, 300),
      state: idle, site_since: Math.min(siteSince, pageSince) / 1000, page_since: pageSince / 1000,
      tz: Intl.DateTimeFormat().resolvedOptions().timeZone ?? "", lang: navigator.language ?? "",
    });
  };
  const wake = () => {
    const was = document.hidden || Date.now() - input >= IDLE_MS;
    input = Date.now();
    if (was && on) report();
  };
  for (const kind of ["pointerdown", "pointermove", "keydown", "scroll", "touchstart"]) {
    addEventListener(kind, wake, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", () => on && report());
  addEventListener("pagehide", () => clearInterval(timer)); // the connection's close says offline
  addEventListener("pageshow", (e) => e.persisted && on && start());

  function start() {
    clearInterval(timer);
    sent = 0;
    report();
    timer = setInterval(report, TICK_MS);
  }

  async function forget() {
    try {
      await hub.forget(id);
      stopped = true;
      on = false;
      clearInterval(timer);
      store?.setItem(key("forgotten"), "1");
      store?.removeItem(key("visitor"));
      notice.say(text("forgotten"));
    } catch (error) {
      notice.say(text("forgetFailed", { reason: error instanceof Error ? error.message : String(error) }));
    }
  }
  const confirm = () =>
    notice.offer(text("forgetConfirm"), [
      { label: text("forgetMe"), run: forget },
      { label: text("forgetKeep"), run: () => notice.clear() },
    ]);
  for (const place of document.querySelectorAll("[data-cartstart-forget]")) {
    const button = place.appendChild(document.createElement("button"));
    button.type = "button";
    button.className = "cartstart-forget";
    button.textContent = text("forgetMe");
    button.addEventListener("click", confirm);
  }

  return (enabled) => {
    if (stopped || enabled === on) return;
    on = enabled;
    if (!on) {
      clearInterval(timer);
      return;
    }
    start();
    if (!store?.getItem(key("noticed"))) {
      store?.setItem(key("noticed"), "1");
      notice.offer(text("presenceNotice"), [
        { label: text("forgetMe"), run: confirm },
        { label: text("presenceOk"), run: () => notice.clear() },
      ]);
    }
  };
}

/** localStorage, or null where the browser refuses it (then the id lives as long as the page). */
function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
