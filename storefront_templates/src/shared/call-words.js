// A call's words shared by the visitor's page and the console: its running time, and why it
// ended from one side's point of view (shared/call.js's CallInfo).

/** @typedef {import("./live").CallInfo} CallInfo */
/** @typedef {import("./live").Side} Side */

/**
 * "1:05" (minutes and seconds), "1:02:03" past an hour.
 * @param {number} seconds
 */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * Why a call ended, in words, from this side's point of view.
 * @param {CallInfo} call
 * @param {Side} me
 * @param {string} other the other side's name ("Harbour Ceramics", "Ana")
 */
export function endedWords(call, me, other) {
  const mine = call.ended_by === me;
  const after = call.duration ? ` after ${duration(call.duration)}` : "";
  switch (call.end_reason) {
    case "declined":
      return mine ? "You declined the call." : `${other} declined the call.`;
    case "unanswered":
      return call.started_by === me ? `${other} did not answer the call.` : `You missed a call from ${other}.`;
    case "busy":
      return me === "visitor" ? "The seller is on another call. Try again in a little while." : `You were on another call, so ${other}'s request ended as busy.`;
    case "connection_lost":
      return `The call ended${after}: the connection was lost.`;
    case "peer_gone":
      return mine ? `The call ended${after} when you left the page.` : `The call ended${after}: ${other} left the page.`;
    case "credit_exhausted":
      return me === "visitor"
        ? `The call ended${after}: your support credit ran out. Buy more credit or ask ${other} to call again.`
        : `The call ended${after}: the shopper's support credit ran out.`;
    case "interrupted":
      return `The call ended${after}: the service lost it in a fault. Only the time until then was charged.`;
    default:
      if (!call.answered_at) return mine ? "You cancelled the call." : `${other} cancelled the call.`;
      return mine ? `You hung up. The call lasted ${duration(call.duration ?? 0)}.` : `${other} hung up. The call lasted ${duration(call.duration ?? 0)}.`;
  }
}
