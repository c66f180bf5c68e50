// The owner's Agents panel (docs/agents.md): the store's agents, adding one (the invitation
// is emailed, and its link shown once, to pass on), changing one's role with a select and
// removing one after a confirmation dialog (both sign them out at once). Shown only to a console whose role may manage agents; the hub enforces it.
// Names and emails are shown as text (textContent), never as markup.

import { formDialog } from "../shared/dialog.js";
import { productsButton } from "./agent-products.js";
import { sentence } from "../shared/style.js";
import { button, byId, el, fill, row } from "./dom.js";
import { HUB, store } from "./store.js";
import { supportBox } from "./support.js";

/**
 * @typedef {Object} AgentView
 * @property {string} agent_id
 * @property {string} email
 * @property {string} name
 * @property {"owner" | "agent"} role
 * @property {boolean} active
 * @property {boolean} [support]
 * @property {number} [chat_cap]
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

/** @param {unknown} error */
const reason = (error) => sentence(error instanceof Error ? error.message : String(error));

/** This console's own agent (none for the API key): shown as "(you)". */
let self = "";

const ROLE_WORDS = { owner: "owner", agent: "agent" };

/**
 * The agent's role, as a select: a change asks the hub at once (the agent is signed out, to sign
 * in again with the new role); a refusal says the hub's words and puts the old role back.
 * @param {AgentView} a
 */
function roleSelect(a) {
  const select = el("select", null, { "aria-label": `Role of ${a.name}`, "data-agent": a.agent_id });
  for (const [value, words] of Object.entries(ROLE_WORDS)) select.append(el("option", words, { value }));
  select.value = a.role;
  if (a.agent_id === self) {
    // The hub refuses it anyway: say so up front instead of after a try.
    select.disabled = true;
    select.title = "Your own role is changed by another owner of the store";
    const cell = el("span");
    cell.append(select, el("span", " Another owner changes your role", { class: "hint" }));
    return cell;
  }
  select.addEventListener("change", async () => {
    failed("");
    const done = byId("agent-role-result", HTMLParagraphElement);
    done.textContent = "";
    const focused = document.activeElement === select;
    select.disabled = true; // one change at a time (disabling also takes the focus away)
    try {
      await store.call(`/agents/${encodeURIComponent(a.agent_id)}`, { method: "PATCH", body: { role: select.value } });
      done.textContent = `${a.name} is now ${select.value === "owner" ? "an owner" : "an agent"}. They were signed out, and sign in again with the new role.`;
      await loadAgents();
    } catch (e) {
      select.value = a.role;
      failed(reason(e));
    } finally {
      select.disabled = false;
    }
    if (focused) roleOf(a.agent_id)?.focus(); // keep the place (the list may have been redrawn)
  });
  return select;
}

/**
 * How many conversations the agent holds at once (1-20), saved when changed.
 * @param {AgentView} a
 */
function capInput(a) {
  const input = el("input", null, { type: "number", min: "1", max: "20", step: "1", "aria-label": `Chats ${a.name} holds at once`, class: "chat-cap" });
  input.value = String(a.chat_cap ?? 3);
  input.addEventListener("change", async () => {
    failed("");
    const cap = Number(input.value);
    if (!Number.isInteger(cap) || cap < 1 || cap > 20) {
      input.value = String(a.chat_cap ?? 3);
      return failed("A chat cap is a whole number from 1 to 20.");
    }
    try {
      await store.call(`/agents/${encodeURIComponent(a.agent_id)}/chat-cap`, { method: "PUT", body: { chat_cap: cap } });
      a.chat_cap = cap;
      byId("agent-role-result", HTMLParagraphElement).textContent = `${a.name} now holds at most ${cap} ${cap === 1 ? "chat" : "chats"} at once.`;
    } catch (e) {
      input.value = String(a.chat_cap ?? 3);
      failed(reason(e));
    }
  });
  return input;
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
    const name = a.agent_id === self ? `${a.name} (you)` : a.name;
    const saved = (/** @type {string} */ words) => (byId("agent-role-result", HTMLParagraphElement).textContent = words);
    const products = productsButton(a, saved, (message) => failed(reason(new Error(message))));
    return row([name, a.email, roleSelect(a), supportBox(a, failed), capInput(a), products, a.active ? "active" : "invited", remove]);
  });
  fill(byId("agents", HTMLTableSectionElement), rows, byId("agents-empty", HTMLElement));
}

/** @param {string} agentId */
function roleOf(agentId) {
  const found = document.querySelector(`#agents select[data-agent="${CSS.escape(agentId)}"]`);
  return found instanceof HTMLSelectElement ? found : null;
}

/** @param {string | null} agentId this console's own agent, if signed in as one */
export function startTeam(agentId) {
  self = agentId ?? "";
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
      failed(reason(e));
    }
  });
  loadAgents().catch((e) => failed(reason(e)));
}
