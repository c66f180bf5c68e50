// The owner's Agents panel (docs/agents.md): the store's agents, adding one (the invitation
// link is shown once, to pass on) and removing one after a confirmation dialog (they are signed
// out at once). Shown only to a console whose role may manage agents; the hub enforces it.
// Names and emails are shown as text (textContent), never as markup.

import { formDialog } from "../shared/dialog.js";
import { button, byId, fill, row } from "./dom.js";
import { HUB, store } from "./store.js";

/**
 * @typedef {Object} AgentView
 * @property {string} agent_id
 * @property {string} email
 * @property {string} name
 * @property {"owner" | "agent"} role
 * @property {boolean} active
 */

let removing = { id: "", name: "" };

const confirmRemove = formDialog({
  id: "remove-agent",
  title: "Remove this agent?",
  help: "They are signed out at once, everywhere, and can no longer sign in to this store's console.",
  fields: [],
  submit: "Remove",
  cancel: "Keep",
  async onSubmit() {
    await store.call(`/agents/${encodeURIComponent(removing.id)}`, { method: "DELETE" });
    confirmRemove.close();
    await loadAgents();
  },
});

/** @param {string} message */
function failed(message) {
  byId("agents-error", HTMLParagraphElement).textContent = message;
}

export async function loadAgents() {
  /** @type {AgentView[]} */
  const agents = await store.call("/agents");
  const rows = agents.map((a) => {
    const remove = button("Remove…", false, { "aria-label": `Remove ${a.name}` });
    remove.addEventListener("click", () => {
      removing = { id: a.agent_id, name: a.name };
      confirmRemove.open(`Remove ${a.name}?`);
    });
    return row([a.name, a.email, a.role, a.active ? "active" : "invited", remove]);
  });
  fill(byId("agents", HTMLTableSectionElement), rows, byId("agents-empty", HTMLElement));
}

export function startTeam() {
  byId("team", HTMLElement).hidden = false;
  byId("agent-add", HTMLFormElement).addEventListener("submit", async (event) => {
    event.preventDefault();
    failed("");
    const name = byId("new-agent-name", HTMLInputElement);
    const email = byId("new-agent-email", HTMLInputElement);
    const role = byId("new-agent-role", HTMLSelectElement).value;
    try {
      /** @type {{invite_code: string, invite_url: string | null, invite_emailed: boolean, agent: AgentView}} */
      const added = await store.call("/agents", { method: "POST", body: { name: name.value, email: email.value, role } });
      const link = added.invite_url ?? new URL(`console#invite=${added.invite_code}`, HUB).href;
      const sent = added.invite_emailed ? `We emailed the invitation to ${added.agent.email}. ` : "";
      byId("agent-invite", HTMLParagraphElement).textContent = `${sent}Invitation for ${name.value} (shown once, valid 7 days): ${link}`;
      name.value = "";
      email.value = "";
      await loadAgents();
    } catch (e) {
      failed(e instanceof Error ? e.message : String(e));
    }
  });
  loadAgents().catch((e) => failed(e instanceof Error ? e.message : String(e)));
}
