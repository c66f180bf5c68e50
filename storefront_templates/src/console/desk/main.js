// The Workspace tab (docs/agents.md): an agent's status (Available/Away, in the header), the
// store's agents as they are now, and whether the store's pages offer "Talk to us". Live over
// /ws/desk. Shown only to agents: the store's key is not a person who can be available. Names
// are shown as text (textContent), never as markup.

import { byId, el, fill, row } from "../dom.js";
import { reasonOf } from "../live/words.js";
import { HUB, store } from "../store.js";
import { DetailsPane } from "./details.js";
import { DeskLink } from "./link.js";
import { StatusSwitch } from "./status.js";
import { takeOverDialog } from "./takeover.js";
import { VisitorList } from "./visitors.js";

/** @typedef {import("./types").DeskAgent} DeskAgent */
/** @typedef {import("./types").DeskMessage} DeskMessage */
/** @typedef {import("./types").Talk} Talk */
/** @typedef {import("./types").SessionSummary} SessionSummary */

/**
 * What an agent's line says: Available only when they chose it and a workspace of theirs is
 * open; Away; or Offline (no workspace open).
 * @param {DeskAgent} a
 * @returns {[state: string, words: string]}
 */
export function stateOf(a) {
  if (!a.connected) return ["offline", a.status === "available" ? "Offline (set to Available)" : "Offline"];
  return a.available ? ["available", "Available"] : ["away", "Away"];
}

/**
 * @param {{me: string, owner: boolean, refused: (why: string | null) => void, announce: (message: string) => void, openSession: (sessionId: string, label: string) => void}} options
 */
export function startDesk({ me, owner, refused, announce, openSession }) {
  byId("tab-desk", HTMLButtonElement).hidden = false;
  /** @type {Map<string, DeskAgent>} */
  const agents = new Map();
  /** @type {Talk | null} */
  let talk = null;
  /** Conversations from the store's pages, by session id (their visitors' rows show them). @type {Map<string, SessionSummary>} */
  const talks = new Map();
  /** The visitor's newest conversation. @param {string} visitorId */
  const talkOf = (visitorId) =>
    [...talks.values()].filter((t) => t.visitor_id === visitorId).sort((a, b) => b.last_activity_at - a.last_activity_at)[0] ?? null;
  const takeError = byId("desk-take-error", HTMLParagraphElement);
  /** Claim the conversation (`takeOver`: from the colleague holding it) and open it. @param {SessionSummary} s @param {boolean} takeOver */
  async function claim(s, takeOver) {
    const answer = await link.command({ type: "claim", session_id: s.session_id, take_over: takeOver });
    if (answer.session) talks.set(answer.session.session_id, answer.session);
    visitors.redraw();
    openSession(s.session_id, s.label);
  }
  const takeOver = takeOverDialog((s) => claim(s, true));
  /** Take a free conversation (or open one's own) and open it in Live selling; an owner asked
   * first takes over a colleague's. @param {SessionSummary} s */
  async function take(s) {
    takeError.textContent = "";
    if (s.agent_id && s.agent_id !== me) return takeOver.ask(s);
    try {
      if (s.agent_id !== me) await claim(s, false);
      else openSession(s.session_id, s.label);
    } catch (e) {
      takeError.textContent = reasonOf(e);
    }
  }
  const link = new DeskLink(HUB, store.key ?? "", {
    message,
    connection(up) {
      byId("desk-connection", HTMLParagraphElement).textContent = up ? "" : "Reconnecting to the hub…";
      status.connected(up);
    },
    refused: (error) => refused(error?.message ?? null),
  });
  const details = new DetailsPane(
    (id) => link.visitorDetails(id),
    (id) => visitors.select(id),
    async (visitorId, text, call) => {
      const answer = await link.command({ type: "approach", visitor_id: visitorId, text, call });
      if (answer.session) {
        talks.set(answer.session.session_id, answer.session);
        visitors.redraw();
        openSession(answer.session.session_id, answer.session.label);
      }
    },
  );
  const visitors = new VisitorList({
    body: byId("desk-visitors", HTMLTableSectionElement),
    table: byId("desk-visitor-table", HTMLTableElement),
    empty: byId("desk-visitors-empty", HTMLElement),
    count: byId("desk-visitor-count", HTMLSpanElement),
    said: byId("desk-visitors-said", HTMLParagraphElement),
    open: (id) => details.show(id),
    me,
    owner,
    talkOf,
    take,
  });
  const status = new StatusSwitch(async (chosen) => {
    const agent = await link.setStatus(chosen);
    agents.set(agent.agent_id, agent);
    draw();
  });
  byId("desk-off-words", HTMLSpanElement).textContent = owner
    ? "Turn it on in Live selling › Page settings (“Agents' workspace”): your store's pages then offer “Talk to us” while one of you is Available."
    : "Ask the store's owner to turn on the workspace in Live selling › Page settings. Until then your store's pages show no “Talk to us”.";

  /** @param {DeskMessage} m */
  function message(m) {
    if (m.type === "desk_snapshot") {
      agents.clear();
      for (const a of m.agents) agents.set(a.agent_id, a);
      talk = m.talk;
      talks.clear();
      for (const t of m.conversations ?? []) talks.set(t.session_id, t);
      visitors.reset(m.visitors ?? [], m.now);
    } else if (m.type === "visitors_changed") {
      visitors.apply(m.changes, m.now);
      return;
    } else if (m.type === "session_activity") {
      if (m.deleted) talks.delete(m.deleted);
      if (m.session?.visitor_id) talks.set(m.session.session_id, m.session);
      visitors.redraw();
      return;
    } else if (m.type === "agent_changed") {
      if (m.agent) agents.set(m.agent_id, m.agent);
      else agents.delete(m.agent_id);
    } else if (m.type === "talk") {
      if (talk && m.version < talk.version) return;
      const before = talk;
      talk = m;
      // Said when it is news: not when this agent's own Available made the entry appear.
      if (before && before.available !== m.available && m.enabled && !(m.available && agents.get(me)?.available)) {
        announce(m.available ? "Shoppers now see “Talk to us”" : "No one is available: “Talk to us” is hidden from shoppers");
      }
    } else return;
    draw();
  }

  function draw() {
    const mine = agents.get(me);
    status.show(mine?.status ?? null);
    const off = talk !== null && !talk.enabled;
    byId("desk-off", HTMLElement).hidden = !off;
    byId("desk-main", HTMLElement).hidden = off;
    byId("desk-status", HTMLFieldSetElement).hidden = off;
    const line = byId("desk-talk", HTMLParagraphElement);
    line.dataset.state = talk?.available ? "on" : "off";
    const words = !talk ? "" : talk.available ? "Shoppers see “Talk to us” on your store's pages." : "No one is available: your store's pages do not show “Talk to us”.";
    if (line.textContent !== words) line.textContent = words;
    const sorted = [...agents.values()].sort((a, b) => Number(b.available) - Number(a.available) || a.name.localeCompare(b.name));
    const rows = sorted.map((a) => {
      const [state, stateWords] = stateOf(a);
      const who = el("span", a.name);
      if (a.agent_id === me) who.append(el("small", " (you)"));
      return row([who, a.role, el("span", stateWords, { class: `presence-state presence-${state}` })]);
    });
    fill(byId("desk-agents", HTMLTableSectionElement), rows, byId("desk-empty", HTMLElement));
  }

  link.start();
}
