// The Available/Away switch in the console's header (an agent's own status): two radio buttons
// in a fieldset, so the keyboard and screen readers know it as a choice of two. A change is sent
// to the hub; the switch then shows what the hub says (a refused change goes back, with words).

import { byId } from "../dom.js";

/** @typedef {"available" | "away"} Status */

export class StatusSwitch {
  /**
   * @param {(status: Status) => Promise<void>} change sends the choice; throws with words
   */
  constructor(change) {
    this.box = byId("desk-status", HTMLFieldSetElement);
    this.said = byId("desk-status-said", HTMLSpanElement);
    /** @type {Status | null} */
    this.current = null;
    /** @type {Promise<void>} the change being sent, so changes go one at a time */
    this.sending = Promise.resolve();
    for (const radio of this.radios()) {
      radio.addEventListener("change", async () => {
        const chosen = /** @type {Status} */ (radio.value);
        // Busy, not disabled: disabling the fieldset would blur the radio under the keyboard
        // (focus would fall to <body> at each arrow key). A change made meanwhile waits its turn.
        this.box.setAttribute("aria-busy", "true");
        const turn = this.sending.then(() => change(chosen));
        this.sending = turn.catch(() => {});
        try {
          await turn;
        } catch (e) {
          this.show(this.current);
          this.said.textContent = `Your status was not changed: ${e instanceof Error ? e.message : String(e)}`;
        } finally {
          this.box.removeAttribute("aria-busy");
        }
      });
    }
    this.online = false;
  }

  radios() {
    return /** @type {HTMLInputElement[]} */ (Array.from(this.box.querySelectorAll("input[type=radio]")));
  }

  /**
   * What the hub says this agent chose (null: not known yet); said aloud when it changes.
   * @param {Status | null} status
   */
  show(status) {
    const before = this.current;
    this.current = status;
    for (const radio of this.radios()) radio.checked = radio.value === status;
    this.box.dataset.status = status ?? "";
    if (before !== null && status !== before) {
      this.said.textContent = status === "available" ? "You are Available: shoppers can ask to talk with you." : "You are Away: shoppers will not be offered you.";
    }
  }

  /**
   * Usable only while the desk is connected.
   * @param {boolean} online
   */
  connected(online) {
    this.online = online;
    this.box.disabled = !online;
  }
}
