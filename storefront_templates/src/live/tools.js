// The session's tools: "Copy the link" (to the clipboard, or shown selected in a dialog to copy
// by hand where there is no clipboard) and "Delete the session" (asked first, the safe choice
// focused).

import { commandId } from "../shared/commands.js";
import { formDialog } from "../shared/dialog.js";
import { CartStartError } from "../shared/http.js";
import { byId } from "./dom.js";
import { comeBackUrl } from "./link.js";
import { say, words } from "./texts.js";

/**
 * @typedef {Object} ToolsDeps
 * @property {() => string | null} link the session link
 * @property {(command: import("./types").LiveCommand) => Promise<any>} command
 * @property {(message: string) => void} notify the page's one notice
 * @property {() => void} deleted the visitor deleted the session
 */

/** @param {ToolsDeps} deps */
export function sessionTools(deps) {
  const copyDialog = formDialog({
    id: "copy-dialog",
    title: "Your session's link",
    help: "Copy this address and keep it: it opens this session again, on this device or another. Anyone with it can see the session, so share it with no one.",
    fields: [{ name: "link", label: "Link to come back later" }],
    submit: "Done",
    cancel: "Close",
    onSubmit: async () => copyDialog.close(),
  });
  copyDialog.dialog.querySelector(".cartstart-actions button[type=button]")?.setAttribute("hidden", "");

  byId("copy-link", HTMLButtonElement).addEventListener("click", async () => {
    const url = comeBackUrl(deps.link() ?? "");
    try {
      await navigator.clipboard.writeText(url);
      deps.notify(say("linkCopied"));
    } catch {
      // No clipboard here (an insecure address, a refusal): show it, selected, to copy by hand.
      copyDialog.open();
      const input = copyDialog.dialog.querySelector("input");
      if (input) {
        input.readOnly = true;
        input.value = url;
        input.select();
      }
    }
  });

  const deleteDialog = formDialog({
    id: "delete-dialog",
    title: "Delete this session?",
    help: "The chat, the board, the counter and your session cart are deleted, for you and for the shop, and what is held for you goes back on sale. This cannot be undone.",
    fields: [],
    submit: "Delete session",
    cancel: "Keep it",
    onSubmit: async () => {
      try {
        await deps.command({ type: "delete_session", id: commandId("delete-") });
      } catch (error) {
        if (!(error instanceof CartStartError && error.code === "gone")) throw new Error(words(error, say("deleteFailed")));
      }
      deleteDialog.close();
      deps.deleted();
    },
  });
  deleteDialog.dialog.querySelector("button[type=submit]")?.classList.add("danger");
  byId("delete-session", HTMLButtonElement).addEventListener("click", () => {
    deleteDialog.open();
    // The safe choice has the focus: Enter alone never deletes.
    /** @type {HTMLElement | null} */ (deleteDialog.dialog.querySelector(".cartstart-actions button[type=button]"))?.focus();
  });
}
