// The console's live selling area: the lobby (the store's sessions, live), one open session, the
// public board with approvals, and the page's settings. Started once the store has signed in; the
// lobby's connection lives as long as the page, a session's while it is open.

import { commandId } from "../../shared/commands.js";
import { HUB, store } from "../store.js";
import { byId } from "../dom.js";
import { getSettings } from "./api.js";
import { ApprovalsView } from "./approvals.js";
import { LiveLink } from "./link.js";
import { LobbyView } from "./lobby.js";
import { SessionView } from "./session.js";
import { SettingsView } from "./settings.js";
import { tabs } from "./tabs.js";
import { reasonOf, visitorName } from "./words.js";

/** @typedef {import("./types").LobbyMessage} LobbyMessage */
/** @typedef {import("./types").LiveSettings} LiveSettings */
/** @typedef {import("./types").Side} Side */

/**
 * @param {string} id a badge's element
 * @param {number} n
 * @param {string} what "unread", "waiting"
 */
function badge(id, n, what) {
  const b = byId(id, HTMLSpanElement);
  b.hidden = n === 0;
  b.textContent = String(n);
  b.setAttribute("aria-label", `${n} ${what}`);
}

/**
 * @param {{announce: (message: string) => void, refused: () => void}} console
 */
export function startLive({ announce, refused }) {
  const key = () => store.key ?? "";
  let unreadBefore = -1;

  // ---- tabs: the console's two areas, and the live area's three parts ----------------------
  const sub = tabs(byId("live-tabs", HTMLElement), () => shownChanged());
  const top = tabs(byId("console-tabs", HTMLElement), (id) => {
    history.replaceState(null, "", { "tab-live": "#live", "tab-desk": "#desk" }[id] ?? "#");
    shownChanged();
  });
  for (const a of document.querySelectorAll("a[data-tab]")) {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      sub.select(/** @type {HTMLElement} */ (a).dataset.tab ?? "", true);
    });
  }
  const sessionsVisible = () =>
    top.current() === "tab-live" && sub.current() === "tab-sessions" && document.visibilityState === "visible";
  document.addEventListener("visibilitychange", () => shownChanged());
  function shownChanged() {
    if (sessionsVisible()) session.shown();
    lobby.draw();
  }
  const reading = (/** @type {string} */ id) => id !== "" && id === lobby.openId && sessionsVisible();

  // ---- the lobby and the open session ------------------------------------------------------
  const lobby = new LobbyView(
    (s) => {
      lobby.select(s.session_id);
      session.open(s.session_id, s.label);
      byId("session-title", HTMLHeadingElement).focus();
    },
    (n) => {
      badge("live-unread", n, "unread");
      badge("sessions-unread", n, "unread");
      unreadBefore = n;
    },
    (id) => reading(id),
  );
  const session = new SessionView({
    hub: HUB,
    key,
    visible: sessionsVisible,
    onRead: (id) => lobby.read(id),
    onSaid: (id, text, at) => lobby.said(id, text, at),
    onGone: (id, by) => {
      const name = visitorName(lobby.sessions.get(id)?.label ?? session.info?.label);
      lobby.remove(id);
      lobby.select("");
      session.closeView(
        by === "store"
          ? `Session with ${name} deleted: its chat, board and cart are gone. Choose another session on the left.`
          : `${name} deleted the session: its chat, board and cart are gone. Choose another session on the left.`,
      );
      announce(by === "store" ? `Session with ${name} deleted` : `${name} deleted their session`);
    },
    onRefused: refused,
    announce,
    onUnavailable: (id, why) => {
      lobby.remove(id);
      lobby.select("");
      session.closeView(`This session could not be opened. ${why} Choose another session on the left.`);
    },
  });

  const approvals = new ApprovalsView(
    async (query) => (await lobbyLink.command({ type: "search", query, limit: 5 })).items,
    (n) => badge("approvals-waiting", n, "waiting"),
    (w) => session.updateWidget(w),
  );

  /** @type {LiveLink<LobbyMessage>} */
  const lobbyLink = new LiveLink(HUB, key(), null, {
    message(m) {
      if (m.type === "lobby") {
        lobby.reset(m.sessions);
        approvals.resetWaiting(m.waiting);
      } else if (m.type === "session_activity") {
        if (m.session) {
          const before = lobby.sessions.get(m.session.session_id);
          lobby.upsert(m.session);
          const name = visitorName(m.session.label);
          if (!before) announce(`${name} started a live session`);
          else if (m.session.unread > before.unread && !reading(m.session.session_id)) {
            announce(`${name}: ${m.session.last_message}`);
          }
        }
        if (m.deleted) {
          if (m.deleted !== lobby.openId) lobby.remove(m.deleted);
          // Its public posts went with it (waiting or on the page): ask for both again.
          lobbyLink.signal({ type: "sync", id: commandId("cc-sync-") });
          approvals.loadBoard();
        }
      } else if (m.type === "board_changed") {
        approvals.changed(m.widget, m.removed);
        if (m.widget && !m.widget.approved) announce("A visitor's post waits for your approval");
      }
    },
    welcome: () => (byId("lobby-state", HTMLSpanElement).textContent = ""),
    lost: () => (byId("lobby-state", HTMLSpanElement).textContent = "Reconnecting…"),
    refused,
  });

  // ---- settings and the page's address -----------------------------------------------------
  /** @param {LiveSettings} s */
  function pageKnown(s) {
    for (const id of ["lobby-page-url", "settings-page-url"]) byId(id, HTMLInputElement).value = s.page_url;
    byId("settings-open", HTMLAnchorElement).href = s.page_url;
    byId("live-off", HTMLElement).hidden = s.enabled;
    approvals.loadBoard();
  }
  const settings = new SettingsView(pageKnown);
  getSettings()
    .then((s) => {
      settings.fill(s);
      pageKnown(s);
    })
    .catch((e) => (byId("settings-error", HTMLParagraphElement).textContent = reasonOf(e)));

  for (const copy of /** @type {HTMLButtonElement[]} */ (Array.from(document.querySelectorAll("button[data-copy]")))) {
    copy.addEventListener("click", () => copyField(copy));
  }
  if (location.hash.startsWith("#live")) top.select("tab-live"); // /console#live
  else if (location.hash === "#desk" && !byId("tab-desk", HTMLButtonElement).hidden) top.select("tab-desk");
  /** Open a session in Live selling › Sessions (the Workspace took or started it). @param {string} id @param {string} label */
  function openSession(id, label) {
    top.select("tab-live");
    sub.select("tab-sessions");
    lobby.select(id);
    session.open(id, label);
    byId("session-title", HTMLHeadingElement).focus();
  }
  return { unread: () => unreadBefore, openSession };
}

/**
 * Copies the page's address (selecting it when the browser does not let a page copy).
 * @param {HTMLButtonElement} button
 */
async function copyField(button) {
  const input = byId(button.dataset.copy ?? "", HTMLInputElement);
  const said = button.closest("div")?.parentElement?.querySelector(".copied");
  try {
    await navigator.clipboard.writeText(input.value);
    if (said) said.textContent = "Link copied. Paste it where your customers will see it.";
  } catch {
    input.select();
    if (said) said.textContent = "The link is selected: press Ctrl+C (or ⌘+C) to copy it.";
  }
}
