// The live visitor list of the Workspace tab (docs/agents.md): who is on the store's pages now,
// longest on the site first. Rows are kept per visitor and changed in place, and the list is
// sorted only when someone arrives, so a row never jumps away from the pointer or the keyboard
// focus. Times tick here every second from the hub's clock (`now` of each message). Titles and
// addresses come from shoppers' pages: shown as text and as a plain http(s) link, never markup.

import { el } from "../dom.js";

/** @typedef {import("./types").VisitorView} VisitorView */
/** @typedef {import("./types").VisitorChange} VisitorChange */
/** @typedef {import("./types").SessionSummary} SessionSummary */

const GRACE_MS = 10000; // an offline visitor stays, greyed, this long

/** "42 s", "3 min 05 s", "1 h 02 min". @param {number} seconds */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** Where a visitor seems to be from: the hub's country, else the browser's zone; and language. @param {VisitorView} v */
export function whereFrom(v) {
  const place = [v.country, v.tz].filter(Boolean).join(" · ") || "Unknown place";
  return [place, v.lang ? `Language: ${v.lang}` : "Language not given"];
}

const STATUS = { active: "Active", idle: "Idle", offline: "Left" };

export class VisitorList {
  /**
   * @param {{body: HTMLTableSectionElement, table: HTMLTableElement, empty: HTMLElement, count: HTMLElement, said: HTMLElement, open: (id: string) => void, me: string, owner: boolean, talkOf: (visitorId: string) => SessionSummary | null, take: (s: SessionSummary) => void}} parts
   */
  constructor(parts) {
    this.parts = parts;
    /** @type {Map<string, {view: VisitorView, row: HTMLTableRowElement, leaving?: ReturnType<typeof setTimeout>}>} */
    this.rows = new Map();
    this.offset = 0; // hub clock - this browser's clock, in seconds
    /** @type {string | null} */
    this.selected = null;
    setInterval(() => this.tick(), 1000);
  }

  hubNow() {
    return Date.now() / 1000 + this.offset;
  }

  /** @param {number} now the hub's clock when the message was sent */
  setClock(now) {
    if (now > 0) this.offset = now - Date.now() / 1000;
  }

  /** The whole list again (after welcome, a sync, or a missed change). @param {VisitorView[]} visitors @param {number} now */
  reset(visitors, now) {
    this.setClock(now);
    const keep = new Set(visitors.map((v) => v.visitor_id));
    for (const id of [...this.rows.keys()]) if (!keep.has(id)) this.remove(id);
    for (const v of visitors) this.put(v, false);
    this.sort();
    this.show();
  }

  /** @param {VisitorChange[]} changes @param {number} now */
  apply(changes, now) {
    this.setClock(now);
    let arrived = false;
    for (const c of changes) {
      if (c.gone || !c.visitor) this.remove(c.visitor_id);
      else arrived = this.put(c.visitor, true) || arrived;
    }
    if (arrived) this.sort();
    this.show();
  }

  /** @param {VisitorView} view @param {boolean} say @returns {boolean} whether they are new */
  put(view, say) {
    const known = this.rows.get(view.visitor_id);
    if (known) {
      clearTimeout(known.leaving);
      known.leaving = undefined;
      known.view = view;
      this.draw(known.row, view);
      if (view.status === "offline") known.leaving = setTimeout(() => { this.remove(view.visitor_id); this.show(); }, GRACE_MS);
      return false;
    }
    const row = el("tr");
    row.dataset.visitor = view.visitor_id;
    const cells = Array.from({ length: 7 }, () => row.appendChild(el("td")));
    cells[1].className = "page";
    const details = el("button", "Details", { type: "button", class: "cartstart-button" });
    details.addEventListener("click", () => this.parts.open(view.visitor_id));
    const take = el("button", "Take", { type: "button", class: "cartstart-button primary take", hidden: "" });
    take.addEventListener("click", () => {
      const talk = this.parts.talkOf(view.visitor_id);
      if (talk) this.parts.take(talk);
    });
    cells[6].append(take, " ", details);
    this.rows.set(view.visitor_id, { view, row });
    this.draw(row, view);
    if (say) this.parts.said.textContent = `A visitor arrived on ${view.title || view.url}`;
    return true;
  }

  /** @param {string} id */
  remove(id) {
    const known = this.rows.get(id);
    if (!known) return;
    clearTimeout(known.leaving);
    known.row.remove();
    this.rows.delete(id);
  }

  /** @param {string | null} id */
  select(id) {
    this.selected = id;
    for (const [vid, { row }] of this.rows) row.setAttribute("aria-selected", String(vid === id));
  }

  sort() {
    const order = [...this.rows.values()].sort((a, b) => a.view.site_since - b.view.site_since || a.view.visitor_id.localeCompare(b.view.visitor_id));
    const body = this.parts.body;
    // Moves only the rows out of place: a focused button in a row that stays keeps its focus.
    order.forEach(({ row }, i) => {
      if (body.children[i] !== row) body.insertBefore(row, body.children[i] ?? null);
    });
  }

  /** Conversations changed: every row's markers again (rows do not move). */
  redraw() {
    for (const { row, view } of this.rows.values()) this.draw(row, view);
    this.show();
  }

  show() {
    const n = [...this.rows.values()].filter(({ row }) => !row.hidden).length;
    this.parts.table.hidden = n === 0;
    this.parts.empty.hidden = n > 0;
    this.parts.count.textContent = n ? `(${n})` : "";
    this.select(this.selected);
    this.tick(); // the hub's clock may have moved: every row's times from it
  }

  /** @param {HTMLTableRowElement} row @param {VisitorView} v */
  draw(row, v) {
    const [where, page, onPage, onSite, visits, status] = /** @type {HTMLTableCellElement[]} */ (Array.from(row.cells));
    const [place, lang] = whereFrom(v);
    where.replaceChildren(place, el("small", lang));
    const link = el("a", v.title || v.url, { target: "_blank", rel: "noopener noreferrer" });
    if (/^https?:\/\//i.test(v.url)) link.href = v.url;
    page.replaceChildren(link, el("small", v.url));
    visits.textContent = v.visits > 1 ? `${v.visits} (returning)` : "1 (first visit)";
    status.replaceChildren(el("span", STATUS[v.status], { class: `presence-state presence-${v.status}` }));
    row.classList.toggle("leaving", v.status === "offline");
    this.marks(row, status, this.parts.talkOf(v.visitor_id));
    this.times(onPage, onSite, v);
  }

  /**
   * The visitor's conversation on their row: unread and call markers while it is free, "with
   * Ana" once a colleague took it, "Yours" for this agent's own. A visitor in a call with any
   * agent leaves the list (they are being helped) and comes back when it ends.
   * @param {HTMLTableRowElement} row @param {HTMLTableCellElement} status @param {SessionSummary | null} talk
   */
  marks(row, status, talk) {
    row.hidden = Boolean(talk?.in_call);
    const take = /** @type {HTMLButtonElement} */ (row.querySelector("button.take"));
    take.hidden = !talk;
    if (!talk) return;
    const mark = (/** @type {string} */ text, /** @type {string} */ kind) => status.append(" ", el("span", text, { class: `talk-mark talk-${kind}` }));
    const mine = talk.agent_id === this.parts.me;
    if (talk.agent_id && !mine) mark(`with ${talk.agent_name || "a colleague"}`, "taken");
    else if (mine) mark("Yours", "mine");
    if (talk.unread > 0 && (!talk.agent_id || mine)) mark(`${talk.unread} unread`, "unread");
    if (talk.calling && (!talk.agent_id || mine)) mark("Asks for a call", "call");
    const theirs = Boolean(talk.agent_id && !mine); // an owner may take it over
    take.hidden = theirs && !this.parts.owner;
    take.textContent = mine ? "Open" : theirs ? "Take over" : "Take";
    const label = mine ? "Open your conversation with this visitor" : theirs ? `Take over this visitor's conversation from ${talk.agent_name || "a colleague"}` : "Take this visitor's conversation";
    take.setAttribute("aria-label", label);
  }

  /** @param {HTMLTableCellElement} onPage @param {HTMLTableCellElement} onSite @param {VisitorView} v */
  times(onPage, onSite, v) {
    const now = this.hubNow();
    onPage.textContent = duration(now - v.page_since);
    onSite.textContent = duration(now - v.site_since);
  }

  tick() {
    for (const { row, view } of this.rows.values()) {
      if (view.status !== "offline") this.times(row.cells[2], row.cells[3], view);
    }
  }
}
