// The console's one connection to /ws/desk (docs/agents.md): hello with the agent's token, a
// beat every `beat_every` seconds while open, commands answered by id, and a reconnection with
// the shared backoff when it drops. It stops for good when the hub refuses the credential (an
// `error` then close code 1008: removed, signed out, expired; or the store's key).

import { Backoff, RECONNECT } from "../../shared/backoff.js";
import { openChannel } from "../../shared/channel.js";
import { Replies, commandId } from "../../shared/commands.js";
import { discover } from "../../shared/discovery.js";
import { CartStartError } from "../../shared/http.js";

/** @typedef {import("./types").DeskMessage} DeskMessage */
/** @typedef {import("./types").DeskAgent} DeskAgent */
/** @typedef {import("./types").VisitorDetails} VisitorDetails */
/** @typedef {import("./types").SessionSummary} SessionSummary */
/** @typedef {import("../../shared/channel.js").Channel} Channel */

const POLICY_VIOLATION = 1008;
const COMMAND_TIMEOUT_MS = 10000;

/**
 * @typedef {Object} DeskEvents
 * @property {(message: DeskMessage) => void} message every message after `welcome`
 * @property {(up: boolean) => void} connection the desk is connected (true) or reconnecting
 * @property {(error: {code: string, message: string} | null) => void} refused the hub refused
 *   the credential: the desk stops
 */

export class DeskLink {
  /**
   * @param {URL} hub
   * @param {string} token the agent's token
   * @param {DeskEvents} events
   */
  constructor(hub, token, events) {
    this.hub = hub;
    this.token = token;
    this.events = events;
    this.replies = new Replies();
    this.backoff = new Backoff(RECONNECT);
    /** @type {Channel | null} */
    this.channel = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.beats = undefined;
    /** @type {{code: string, message: string} | null} */
    this.lastError = null;
    /** Who waits for which `visitor_details` (a refusal comes as an `error` with the id).
     * @type {Map<string, (d: VisitorDetails) => void>} */
    this.details = new Map();
  }

  async start() {
    const discovery = await discover(this.hub);
    /** @type {Channel} */
    const channel = openChannel(discovery.channels.desk, {
      hello: () => ({ type: "hello", versions: [1], token: this.token }),
      onWelcome: (welcome) => {
        this.channel = channel;
        this.backoff.reset();
        const every = /** @type {{beat_every?: number}} */ (welcome).beat_every ?? 15;
        this.beats = setInterval(() => channel.send({ type: "beat" }), every * 1000);
        this.events.connection(true);
      },
      /** @param {DeskMessage} message */
      onMessage: (message) => {
        if (message.type === "error" && !message.id) this.lastError = message;
        if (message.type === "visitor_details") {
          this.details.get(message.id)?.(message);
          this.details.delete(message.id);
          return;
        }
        if ((message.type === "result" || message.type === "error") && this.replies.settle(message)) return;
        this.events.message(message);
      },
      onClose: (_, code) => {
        clearInterval(this.beats);
        this.channel = null;
        this.replies.failAll(new CartStartError("disconnected", "the connection to the hub dropped: try again"));
        if (code === POLICY_VIOLATION) {
          this.events.refused(this.lastError);
          return;
        }
        this.events.connection(false);
        setTimeout(() => this.start(), this.backoff.next());
      },
    });
  }

  /**
   * Available or Away; answers with the agent as the hub now sees them.
   * @param {"available" | "away"} status
   * @returns {Promise<DeskAgent>}
   */
  async setStatus(status) {
    if (!this.channel) throw new CartStartError("disconnected", "not connected to the hub: wait a moment and try again");
    const id = commandId("desk-");
    const reply = this.replies.wait(id, COMMAND_TIMEOUT_MS);
    this.channel.send({ type: "set_status", id, status });
    return /** @type {{agent: DeskAgent}} */ (/** @type {unknown} */ (await reply)).agent;
  }

  /**
   * A conversation command (`claim`, `release`, `approach`, `set_chat_cap`): the hub's answer,
   * or a refusal thrown with its words and code.
   * @param {Record<string, unknown>} frame without its id
   * @returns {Promise<{session?: SessionSummary | null, agent?: DeskAgent | null}>}
   */
  async command(frame) {
    if (!this.channel) throw new CartStartError("disconnected", "not connected to the hub: wait a moment and try again");
    const id = commandId("desk-");
    const reply = this.replies.wait(id, COMMAND_TIMEOUT_MS);
    this.channel.send({ ...frame, id });
    return /** @type {{session?: SessionSummary | null, agent?: DeskAgent | null}} */ (/** @type {unknown} */ (await reply));
  }

  /**
   * A visitor's pages, visits and cart holds; a refusal (another store's, forgotten) throws
   * with the hub's words.
   * @param {string} visitorId
   * @returns {Promise<VisitorDetails>}
   */
  async visitorDetails(visitorId) {
    if (!this.channel) throw new CartStartError("disconnected", "not connected to the hub: wait a moment and try again");
    const id = commandId("desk-");
    const refused = this.replies.wait(id, COMMAND_TIMEOUT_MS); // settles only on an error
    const answered = new Promise((resolve) => this.details.set(id, resolve));
    this.channel.send({ type: "visitor_details", id, visitor_id: visitorId });
    const d = await Promise.race([answered, refused]);
    this.replies.settle({ type: "result", id }); // answered: stop its timer
    this.details.delete(id);
    return /** @type {VisitorDetails} */ (d);
  }
}
