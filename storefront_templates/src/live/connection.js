// The live page's one connection to the hub: /ws/live first (shared/channel.js: hello, welcome,
// messages); when two WebSocket attempts in a row never reach `welcome` (a proxy that blocks
// WebSockets), HTTP polling for the rest of the page's life, as the widget does. A hello the hub
// refuses (a deleted session's link: `gone`; a wrong link; a store whose page is off) is an
// answer, not a failure: the page is told and nothing is retried. Commands go on the WebSocket
// when it is up, else over HTTP, and are sent again with the same id after a lost connection.

import { Backoff, RECONNECT, sleep } from "../shared/backoff.js";
import { openChannel } from "../shared/channel.js";
import { Replies, withRetries } from "../shared/commands.js";
import { discover } from "../shared/discovery.js";
import { CartStartError, isAbort } from "../shared/http.js";

/** @typedef {import("./types").LiveMessage} LiveMessage */
/** @typedef {import("./types").LiveWelcome} LiveWelcome */
/** @typedef {import("./types").LiveError} LiveError */
/** @typedef {import("../shared/channel.js").Channel} Channel */
/** @typedef {import("../shared/protocol").CommandResult} CommandResult */
/** @typedef {"connecting" | "live" | "polling" | "reconnecting" | "unreachable"} Status */
/** @typedef {{code: string, message: string, details?: Record<string, unknown>}} Refusal */

const HELLO_TIMEOUT_MS = 5000;
const COMMAND_TIMEOUT_MS = 10000;
const WS_FAILURES_BEFORE_POLLING = 2;
/** The close code of a deleted session (ws_live.CLOSE_GONE). */
export const CLOSE_GONE = 4410;
/** Hello refusals that no retry can change. */
const FINAL = ["gone", "unauthorized", "not_found", "forbidden", "unsupported_version"];

/**
 * @typedef {Object} ConnectionHandlers
 * @property {() => object} hello the first frame (made when the socket opens)
 * @property {(welcome: LiveWelcome) => void} onWelcome
 * @property {(message: LiveMessage) => void} onMessage every message but replies to commands
 * @property {(refusal: Refusal) => void} onRefused the hub refused this page for good
 * @property {() => void} onGone the hub closed the session's connection: the session was deleted
 * @property {(status: Status) => void} onStatus
 * @property {(signal: AbortSignal) => Promise<void>} pollOnce one round of HTTP polling (it feeds
 *   onMessage itself); throws a CartStartError
 * @property {(command: import("./types").LiveCommand) => Promise<any>} httpCommand a command over HTTP
 */

export class LiveConnection {
  /**
   * @param {URL} hub
   * @param {ConnectionHandlers} handlers
   */
  constructor(hub, handlers) {
    this.hub = hub;
    this.on = handlers;
    /** @type {Channel | null} */
    this.socket = null;
    this.replies = new Replies();
    this.wsFailures = 0;
    this.reconnects = new Backoff(RECONNECT);
    this.stopped = false;
    this.polling = false;
    /** @type {AbortController | null} */
    this.pollAbort = null;
    this.url = "";
  }

  async start() {
    this.on.onStatus("connecting");
    const discovery = await discover(this.hub, () => this.on.onStatus("unreachable"));
    if (this.stopped) return;
    this.url = /** @type {{live?: string}} */ (discovery.channels).live ?? `${discovery.ws_url}/ws/live`;
    this.open();
  }

  open() {
    /** @type {Refusal | null} */
    let refusal = null;
    /** @type {Channel} */
    const channel = openChannel(this.url, {
      hello: this.on.hello,
      helloTimeoutMs: HELLO_TIMEOUT_MS,
      onWelcome: (welcome) => {
        if (this.stopped) return channel.close();
        this.socket = channel;
        this.wsFailures = 0;
        this.reconnects.reset();
        this.on.onStatus("live");
        this.on.onWelcome(/** @type {LiveWelcome} */ (/** @type {unknown} */ (welcome)));
      },
      /** @param {LiveMessage} message */
      onMessage: (message) => {
        if (message.type === "error" && !message.id && this.socket !== channel) {
          refusal = message; // before welcome: the hello was refused; the close follows
          return;
        }
        if ((message.type === "result" || message.type === "error") && message.id) {
          if (this.replies.settle(/** @type {any} */ (message))) return;
        }
        this.on.onMessage(message);
      },
      onClose: (welcomed, code) => {
        if (this.socket === channel) this.socket = null;
        this.replies.failAll(new CartStartError("disconnected", "connection lost"));
        if (this.stopped) return;
        if (code === CLOSE_GONE) {
          this.stopped = true;
          this.on.onGone();
        } else if (refusal && FINAL.includes(refusal.code)) {
          this.stopped = true;
          this.on.onRefused(refusal);
        } else if (!welcomed && ++this.wsFailures >= WS_FAILURES_BEFORE_POLLING) {
          this.poll();
        } else {
          if (welcomed) this.wsFailures = 0;
          this.on.onStatus("reconnecting");
          setTimeout(() => this.stopped || this.open(), this.reconnects.next());
        }
      },
    });
  }

  async poll() {
    this.polling = true;
    const backoff = new Backoff(RECONNECT);
    while (!this.stopped) {
      this.pollAbort = new AbortController();
      try {
        await this.on.pollOnce(this.pollAbort.signal);
        this.on.onStatus("polling");
        backoff.reset();
      } catch (error) {
        if (this.stopped || isAbort(error)) continue;
        if (error instanceof CartStartError && FINAL.includes(error.code)) {
          this.stopped = true;
          this.on.onRefused({ code: error.code, message: error.message });
          return;
        }
        this.on.onStatus("unreachable");
        await sleep(backoff.next());
      }
    }
  }

  /** Whether ephemeral signals (typing, follow) can be sent: only on a WebSocket. */
  get live() {
    return this.socket !== null;
  }

  /**
   * An ephemeral signal; dropped when there is no WebSocket (a moment that passed).
   * @param {object} frame
   */
  signal(frame) {
    this.socket?.send(frame);
  }

  /**
   * A command and its result; sent again with the same id after a lost connection.
   * @param {import("./types").LiveCommand} command
   * @returns {Promise<any>}
   */
  command(command) {
    return withRetries(() => {
      if (this.socket) {
        const reply = this.replies.wait(command.id, COMMAND_TIMEOUT_MS);
        this.socket.send(command);
        return reply;
      }
      return this.on.httpCommand(command).catch((error) => {
        throw error instanceof TypeError ? new CartStartError("disconnected", "connection lost") : error;
      });
    });
  }

  /** Polling: start the next round now (after a command, so its effects show at once). */
  nudge() {
    this.pollAbort?.abort();
  }

  stop() {
    this.stopped = true;
    this.pollAbort?.abort();
    this.socket?.close();
    this.socket = null;
  }
}
