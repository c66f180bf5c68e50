// One connection to /ws/live for the console: the store's lobby, or the store in one session.
// Commands are answered by id (shared/commands.js); a dropped connection comes back by itself
// with the shared backoff, a session resuming from the last seq it applied (the hub replays what
// was missed, or sends a fresh snapshot). It stops for good when the session was deleted (close
// code 4410) or the key was refused (1008).

import { Backoff, RECONNECT } from "../../shared/backoff.js";
import { openChannel } from "../../shared/channel.js";
import { Replies, commandId, withRetries } from "../../shared/commands.js";
import { discover } from "../../shared/discovery.js";
import { CartStartError } from "../../shared/http.js";

/** @typedef {import("../../shared/channel.js").Channel} Channel */
/** @typedef {import("./types").LiveWelcome} LiveWelcome */
/** @typedef {import("./types").LiveResult} LiveResult */
/** @typedef {import("./types").SearchResults} SearchResults */

export const CLOSE_GONE = 4410;
const POLICY_VIOLATION = 1008;
const COMMAND_TIMEOUT_MS = 10000;

/**
 * @template {{type: string}} M
 * @typedef {Object} LinkEvents
 * @property {(welcome: LiveWelcome) => void} [welcome] the connection is up (again)
 * @property {(message: M) => void} message every other message (results included, after their
 *   command settled)
 * @property {() => void} [lost] the connection dropped; it comes back by itself
 * @property {() => void} [gone] the session was deleted: the link stops
 * @property {(error: {code: string, message: string}) => void} [unavailable] the hub would not
 *   open it (a session deleted or never there): the link stops
 * @property {() => void} refused the key was refused: the link stops
 */

/**
 * @template {{type: string}} M
 */
export class LiveLink {
  /**
   * @param {URL} hub
   * @param {string} key the store's API key
   * @param {string | null} sessionId null: the lobby
   * @param {LinkEvents<M>} events
   */
  constructor(hub, key, sessionId, events) {
    this.hub = hub;
    this.key = key;
    this.sessionId = sessionId;
    this.events = events;
    /** The last seq applied (a session's stream); 0 before the first snapshot. */
    this.seq = 0;
    this.replies = new Replies();
    this.backoff = new Backoff(RECONNECT);
    /** @type {Channel | null} */
    this.channel = null;
    this.up = false;
    this.stopped = false;
    this.refused = false;
    /** @type {{code: string, message: string} | null} why the hub refused the last hello */
    this.helloError = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retry = undefined;
    this.connect();
  }

  async connect() {
    const discovery = await discover(this.hub);
    if (this.stopped) return;
    const url = /** @type {{live?: string}} */ (discovery.channels).live ?? `${discovery.ws_url}/ws/live`;
    this.channel = openChannel(url, {
      hello: () => {
        /** @type {Record<string, unknown>} */
        const hello = { type: "hello", versions: [1], token: this.key };
        if (this.sessionId) hello.session_id = this.sessionId;
        if (this.sessionId && this.seq > 0) hello.resume_from = this.seq;
        return hello;
      },
      onWelcome: (welcome) => {
        this.up = true;
        this.helloError = null;
        this.backoff.reset();
        this.events.welcome?.(/** @type {LiveWelcome} */ (/** @type {unknown} */ (welcome)));
      },
      /** @param {M} message */
      onMessage: (message) => this.receive(message),
      onClose: (_, code) => this.closed(code),
    });
  }

  /** @param {M} message */
  receive(message) {
    const m = /** @type {{type: string, id?: string | null, code?: string, seq?: number, head_seq?: number}} */ (message);
    if (m.type === "error" && !m.id) {
      if (m.code === "unauthorized") this.refused = true;
      else if (!this.up) this.helloError = { code: String(m.code), message: String(/** @type {{message?: string}} */ (m).message ?? "") };
    }
    if ((m.type === "result" || m.type === "error" || m.type === "search_results") && m.id) {
      const answer = m.type === "search_results" ? { ...m, type: "result" } : m;
      this.replies.settle(/** @type {any} */ (answer));
      if (m.type === "error") return; // the command's caller shows it
    }
    this.events.message(message);
    if (m.type === "live_snapshot" && typeof m.head_seq === "number") this.seq = m.head_seq;
    else if (typeof m.seq === "number" && m.seq > this.seq) this.seq = m.seq;
  }

  /** @param {number} code */
  closed(code) {
    const welcomed = this.up;
    this.up = false;
    this.channel = null;
    this.replies.failAll(new CartStartError("disconnected", "the connection to the hub dropped"));
    if (this.stopped) return;
    if (code === CLOSE_GONE) {
      this.stopped = true;
      this.events.gone?.();
    } else if (!welcomed && this.helloError && !this.refused) {
      // The key is fine; what it asked for is not there (a deleted session): stop, and say so.
      this.stopped = true;
      this.events.unavailable?.(this.helloError);
    } else if (this.refused || code === POLICY_VIOLATION) {
      this.stopped = true;
      this.events.refused();
    } else {
      this.events.lost?.();
      this.retry = setTimeout(() => this.connect(), this.backoff.next());
    }
  }

  /**
   * A command with a fresh id, answered by `result` (or `search_results`); sent again with the
   * same id while the connection is being restored. Rejects with the hub's reason.
   * @param {Record<string, unknown>} command without `id`
   * @returns {Promise<any>}
   */
  command(command) {
    const id = commandId(`cc-${String(command.type).slice(0, 12)}-`);
    return withRetries(async () => {
      if (!this.channel || !this.up) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (!this.channel || !this.up) throw new CartStartError("disconnected", "not connected to the hub right now");
      }
      const answer = this.replies.wait(id, COMMAND_TIMEOUT_MS);
      this.channel.send({ ...command, id });
      return answer;
    }, 6);
  }

  /**
   * An ephemeral signal (typing, show, lead, follow): dropped when not connected.
   * @param {Record<string, unknown>} signal
   */
  signal(signal) {
    if (this.channel && this.up) this.channel.send(signal);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.channel?.close();
  }
}
