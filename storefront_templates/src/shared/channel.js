// One WebSocket session with the hub (docs/protocol.md section 2): `hello` as the first frame,
// `welcome` within a deadline or the socket is closed, then JSON messages. What to do when it
// closes (reconnect, fall back to polling) is the caller's choice.

/** @typedef {import("./protocol").Welcome} Welcome */

/**
 * @typedef {Object} Channel
 * @property {(message: object) => void} send
 * @property {() => void} close
 */

/**
 * @template {{type: string}} M the messages this channel receives
 * @typedef {Object} ChannelHandlers
 * @property {() => object} hello the first frame (made when the socket opens: the freshest token)
 * @property {number} [helloTimeoutMs] no `welcome` by then: close
 * @property {(welcome: Welcome) => void} onWelcome
 * @property {(message: M) => void} onMessage every other message
 * @property {(welcomed: boolean, code: number) => void} onClose `code`: the close code (1008: the
 *   hub refused the credential)
 */

/**
 * @template {{type: string}} M
 * @param {string} url
 * @param {ChannelHandlers<M>} handlers
 * @returns {Channel}
 */
export function openChannel(url, { hello, helloTimeoutMs = 5000, onWelcome, onMessage, onClose }) {
  const ws = new WebSocket(url);
  let welcomed = false;
  const helloTimer = setTimeout(() => ws.close(), helloTimeoutMs);
  /** @type {Channel} */
  const channel = {
    send: (message) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
  };
  ws.onopen = () => channel.send(hello());
  ws.onmessage = (event) => {
    /** @type {M | Welcome} */
    let message;
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (message.type === "welcome") {
      welcomed = true;
      clearTimeout(helloTimer);
      onWelcome(/** @type {Welcome} */ (message));
    } else {
      onMessage(/** @type {M} */ (message));
    }
  };
  ws.onclose = (event) => {
    clearTimeout(helloTimer);
    onClose(welcomed, event.code);
  };
  return channel;
}
