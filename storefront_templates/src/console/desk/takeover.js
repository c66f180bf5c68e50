// An owner takes a colleague's conversation over (docs/agents.md "Taking a visitor"): asked in a
// dialog first, since the colleague loses the conversation mid-sentence. The hub checks that the
// console is an owner's; an agent's console shows no button for it.

import { formDialog } from "../../shared/dialog.js";

/** @typedef {import("./types").SessionSummary} SessionSummary */

/** @param {(s: SessionSummary) => Promise<void>} takeOver claims with take_over, then opens it */
export function takeOverDialog(takeOver) {
  /** @type {SessionSummary | null} */
  let asked = null;
  const dialog = formDialog({
    id: "take-over",
    title: "Take over this conversation?",
    help: "",
    fields: [],
    submit: "Take over",
    cancel: "Cancel",
    async onSubmit() {
      if (!asked) return;
      await takeOver(asked);
      dialog.close();
    },
  });
  const help = /** @type {HTMLElement} */ (dialog.dialog.querySelector("#take-over-help"));
  return {
    /** @param {SessionSummary} s a conversation a colleague holds */
    ask(s) {
      asked = s;
      const who = s.agent_name || "your colleague";
      help.textContent = `It becomes yours and counts against your chats. ${who} can still read it but can no longer write or call in it. Tell ${who} if you can.`;
      dialog.open(`Take over from ${who}?`);
    },
  };
}
