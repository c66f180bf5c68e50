// The store's public board: visitors' posts waiting for approval (from the lobby's `waiting`
// and its live `board_changed`), Approve or Remove; what every visitor sees now, Remove; and the
// store's own posts on it.

import { byId } from "../dom.js";
import { approve, postPublic, publicBoard, removePublic, upload } from "./api.js";
import { postForm } from "./post.js";
import { action, widgetItem } from "./render.js";
import { reasonOf } from "./words.js";

/** @typedef {import("./types").Widget} Widget */
/** @typedef {import("./types").LiveProduct} LiveProduct */

export class ApprovalsView {
  /**
   * @param {(query: string) => Promise<LiveProduct[]>} search the catalogue (for product posts)
   * @param {(waiting: number) => void} onWaiting
   * @param {(widget: Widget) => void} onApproved
   */
  constructor(search, onWaiting, onApproved) {
    this.onWaiting = onWaiting;
    this.onApproved = onApproved;
    /** @type {Map<string, Widget>} */
    this.waiting = new Map();
    /** @type {Map<string, Widget>} */
    this.board = new Map();
    this.pageOn = true;
    this.error = byId("approvals-error", HTMLParagraphElement);
    postForm(byId("public-post", HTMLDivElement), "public-post", "Post on your page", {
      search,
      upload: (file) => upload(file, null),
      post: async (widget) => {
        const { widget: posted } = await postPublic(widget);
        this.board.set(posted.widget_id, posted);
        this.draw();
      },
    });
  }

  /** @param {Widget[]} waiting from the lobby */
  resetWaiting(waiting) {
    this.waiting = new Map(waiting.map((w) => [w.widget_id, w]));
    this.draw();
  }

  /** What every visitor sees now (asked again after the page is turned on or off). */
  async loadBoard() {
    try {
      const board = await publicBoard();
      this.pageOn = board !== null;
      this.board = new Map((board ?? []).map((w) => [w.widget_id, w]));
      this.draw();
    } catch (e) {
      this.error.textContent = reasonOf(e);
    }
  }

  /**
   * The lobby's `board_changed`: a post waiting (or approved elsewhere), or one taken down.
   * @param {Widget | null | undefined} widget
   * @param {string | null | undefined} removed
   */
  changed(widget, removed) {
    if (widget) {
      if (widget.approved) {
        this.waiting.delete(widget.widget_id);
        this.board.set(widget.widget_id, widget);
      } else {
        this.waiting.set(widget.widget_id, widget);
      }
    }
    if (removed) {
      this.waiting.delete(removed);
      this.board.delete(removed);
    }
    this.draw();
  }

  draw() {
    const newest = (/** @type {Map<string, Widget>} */ m) => [...m.values()].sort((a, b) => b.at - a.at);
    const waiting = newest(this.waiting).map((w) =>
      widgetItem(
        w,
        [
          action("Approve", () => this.approve(w), { "aria-label": `Approve this ${w.kind}` }, true),
          action("Remove", () => this.remove(w), { "aria-label": `Remove this ${w.kind}` }),
        ],
        "waiting",
      ),
    );
    byId("waiting", HTMLUListElement).replaceChildren(...waiting);
    byId("waiting-empty", HTMLElement).hidden = waiting.length > 0;
    const shown = newest(this.board).map((w) => widgetItem(w, [action("Remove", () => this.remove(w), { "aria-label": `Remove this ${w.kind}` })]));
    byId("public-board", HTMLUListElement).replaceChildren(...shown);
    const empty = byId("public-empty", HTMLElement);
    empty.hidden = shown.length > 0;
    if (!this.pageOn && shown.length === 0) {
      empty.textContent = "Your page is off, so visitors see nothing. What you post here shows when you turn it on in Page settings.";
    }
    this.onWaiting(waiting.length);
  }

  /** @param {Widget} w */
  async approve(w) {
    this.error.textContent = "";
    try {
      const { widget } = await approve(w.widget_id);
      this.changed(widget, null);
      this.onApproved(widget);
    } catch (e) {
      this.error.textContent = reasonOf(e);
    }
  }

  /** @param {Widget} w */
  async remove(w) {
    this.error.textContent = "";
    try {
      await removePublic(w.widget_id);
      this.changed(null, w.widget_id);
    } catch (e) {
      this.error.textContent = reasonOf(e);
    }
  }
}
