// The call's place on a page (`#live-call`), drawn from a shared/call.js Call in the words of
// the page that owns it (the visitor's page, src/live/call.js; the console,
// src/console/live/call.js). Its elements are made once and shown or hidden, so the other
// side's video keeps playing while the rest redraws. Text goes in as textContent only.

import { duration, endedWords } from "./call-words.js";
import { injectStyle } from "./style.js";

/** @typedef {import("./call.js").Call} Call */

/**
 * @typedef {Object} CallWords
 * @property {() => string} other the other side's name
 * @property {string} start "Ask for a video call", "Call the visitor"
 * @property {() => string} idle what the idle call place says
 * @property {() => string} calling "Calling the seller…"
 * @property {() => string} incoming "Harbour Ceramics is calling"
 * @property {() => string} [busy] said (and asking disabled) when the seller is in another call
 * @property {() => string} [unavailable] said (and asking disabled) when calls cannot work here
 *   now (no WebSocket: signalling is not polled; no WebRTC in this browser)
 */

const CSS = `
:where(.call-place) { display: flex; flex-direction: column; gap: 0.45rem; }
:where(.call-place p) { margin: 0; }
:where(.call-row) { display: flex; flex-wrap: wrap; gap: 0.45rem; align-items: center; }
:where(.call-stage) { position: relative; background: #17181a; border-radius: 10px; overflow: hidden; aspect-ratio: 16 / 9; max-height: 300px; width: 100%; }
:where(.call-stage video.call-remote) { width: 100%; height: 100%; object-fit: contain; display: block; background: #17181a; }
:where(.call-stage .call-placeholder) { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 0.4rem; color: #f2f2f2; background: #26282c; text-align: center; padding: 1rem; }
:where(.call-placeholder .call-initial) { width: 3.6rem; height: 3.6rem; border-radius: 50%; background: #4a4d55; display: flex; align-items: center; justify-content: center; font-size: 1.6rem; font-weight: 700; }
:where(.call-stage video.call-self) { position: absolute; right: 0.5rem; bottom: 0.5rem; width: 26%; max-width: 160px; border-radius: 6px; border: 2px solid #fff; background: #000; transform: scaleX(-1); }
:where(.call-time) { font-variant-numeric: tabular-nums; font-weight: 700; min-width: 3.5rem; }
:where(.call-peer-mic) { font-size: 0.86rem; color: #55575c; }
:where(.call-ended) { color: #3d3d3d; }
:where(.call-ended:empty) { display: none; }
:where(.call-hangup) { background: #b42318 !important; border-color: #b42318 !important; color: #fff !important; }
`;

/**
 * @param {string} label
 * @param {() => void} onClick
 * @param {string} [extra] more classes
 */
function button(label, onClick, extra = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `cartstart-button small ${extra}`.trim();
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

/** @param {string} className @param {string} [text] */
function p(className, text = "") {
  const node = document.createElement("p");
  node.className = className;
  node.textContent = text;
  return node;
}

export class CallPanel {
  /**
   * @param {HTMLElement} place the page's `#live-call`
   * @param {Call} call
   * @param {CallWords} words
   * @param {(error: unknown) => void} failed a command failed: say why
   */
  constructor(place, call, words, failed) {
    injectStyle("cartstart-call-style", CSS);
    this.place = place;
    this.call = call;
    this.words = words;
    const run = (/** @type {() => Promise<void>} */ action) => () => void action().catch(failed);
    place.replaceChildren();
    place.classList.add("call-place");
    place.setAttribute("aria-label", "Video call");

    this.status = p("call-status");
    this.status.setAttribute("role", "status");
    this.startButton = button(words.start, run(() => call.start()), "cartstart-primary call-start");
    this.acceptButton = button("Accept", run(() => call.answer(true)), "cartstart-primary call-accept");
    this.declineButton = button("Decline", run(() => call.answer(false)), "call-decline");
    this.cancelButton = button("Cancel", run(() => call.hangUp()), "call-cancel");
    this.actions = document.createElement("div");
    this.actions.className = "call-row call-actions";

    this.stage = document.createElement("div");
    this.stage.className = "call-stage";
    this.remote = document.createElement("video");
    this.remote.className = "call-remote";
    this.remote.autoplay = true;
    this.remote.playsInline = true;
    this.placeholder = document.createElement("div");
    this.placeholder.className = "call-placeholder";
    this.initial = document.createElement("span");
    this.initial.className = "call-initial";
    this.initial.setAttribute("aria-hidden", "true");
    this.placeholderText = p("call-placeholder-text");
    this.placeholder.append(this.initial, this.placeholderText);
    this.self = document.createElement("video");
    this.self.className = "call-self";
    this.self.autoplay = true;
    this.self.muted = true;
    this.self.playsInline = true;
    this.self.setAttribute("aria-label", "Your camera");
    this.stage.append(this.remote, this.placeholder, this.self);

    this.bar = document.createElement("div");
    this.bar.className = "call-row call-bar";
    this.time = document.createElement("span");
    this.time.className = "call-time";
    this.time.setAttribute("aria-label", "Call duration");
    this.cameraButton = button("Turn camera on", run(() => call.toggleCamera()), "call-camera");
    this.micButton = button("Mute microphone", () => call.toggleMicrophone(), "call-mic");
    this.hangUpButton = button("Hang up", run(() => call.hangUp()), "cartstart-primary call-hangup");
    this.peerMic = document.createElement("span");
    this.peerMic.className = "call-peer-mic";
    this.bar.append(this.time, this.cameraButton, this.micButton, this.hangUpButton, this.peerMic);

    this.endedText = p("call-ended");
    this.endedText.setAttribute("role", "status");
    place.append(this.status, this.actions, this.stage, this.bar, this.endedText);
    setInterval(() => this.tick(), 1000);
    this.render();
  }

  /** What the stage shows while a call rings: "theirs" (the ringing store's camera, on the
   * visitor's side, once its frames arrive), "mine" (the store's own camera while it rings), or
   * "" (no stage). */
  previewKind() {
    const call = this.call;
    if (call.current?.started_by === call.env.me) return call.cam ? "mine" : "";
    return call.preview.showing ? "theirs" : "";
  }

  /** @param {MediaStream | null} stream the other side's video (a preview plays silent) */
  showRemote(stream) {
    if (this.remote.srcObject === stream) return;
    this.remote.srcObject = stream;
    if (!stream) return;
    this.remote.muted = stream === this.call.preview.remote;
    this.remote.play().catch(() => {
      // No sound before a click on this page (the browser's autoplay rule): play it silent.
      this.remote.muted = true;
      this.remote.play().catch(() => {});
    });
  }

  /** @param {MediaStream | null} mine this side's camera, or none */
  showSelf(mine) {
    const selfTrack = mine?.getVideoTracks()[0];
    const shownTrack = this.self.srcObject instanceof MediaStream ? this.self.srcObject.getVideoTracks()[0] : undefined;
    if (selfTrack !== shownTrack) this.self.srcObject = mine;
    this.self.hidden = !mine;
  }

  tick() {
    if (this.call.current?.state === "active") this.time.textContent = duration(this.call.elapsed());
  }

  render() {
    const { call, words } = this;
    const cur = call.current;
    const other = words.other();
    const active = cur?.state === "active" && call.here;
    const ringing = cur?.state === "ringing";
    // While the store rings: the visitor sees the store's camera, the store its own.
    const preview = ringing && !call.elsewhere ? this.previewKind() : "";
    this.place.dataset.call = cur ? cur.state : "idle";
    this.stage.hidden = !active && !preview;
    this.bar.hidden = !active;
    this.endedText.textContent = !cur && call.ended ? endedWords(call.ended, call.env.me, other) : "";
    /** @type {HTMLButtonElement[]} */
    let actions = [];
    if (cur && call.elsewhere) {
      this.status.textContent = ringing ? `Asking for a call in another window` : `In a call with ${other} in another window`;
    } else if (!cur) {
      const busy = words.unavailable?.() || (words.busy && call.sellerBusy ? words.busy() : "");
      this.status.textContent = busy || words.idle();
      this.startButton.disabled = Boolean(busy);
      actions = [this.startButton];
    } else if (ringing && cur.started_by === call.env.me) {
      const seen = call.preview.connected ? ` ${other} can see your camera.` : "";
      this.status.textContent = words.calling() + seen;
      actions = [this.cancelButton];
    } else if (ringing) {
      this.status.textContent = words.incoming();
      actions = [this.acceptButton, this.declineButton];
    } else {
      this.status.textContent = `In a call with ${other}`;
    }
    if (actions.some((b, i) => this.actions.children[i] !== b) || this.actions.children.length !== actions.length) {
      this.actions.replaceChildren(...actions);
    }
    if (!active && !preview) {
      this.remote.srcObject = null;
      this.self.srcObject = null;
      return;
    }
    this.showRemote(preview === "theirs" ? call.preview.remote : preview === "mine" ? null : call.remote);
    this.showSelf(preview === "theirs" ? null : call.localVideo());
    this.placeholder.hidden = preview ? preview === "theirs" : call.peer.camera;
    this.initial.textContent = other.charAt(0).toUpperCase();
    this.placeholderText.textContent = preview ? words.calling() : `${other}'s camera is off`;
    this.remote.setAttribute("aria-label", `${other}'s video`);
    if (preview) return;
    this.cameraButton.textContent = call.camera ? "Turn camera off" : "Turn camera on";
    this.cameraButton.setAttribute("aria-pressed", String(call.camera));
    this.micButton.textContent = call.microphone ? "Mute microphone" : "Unmute microphone";
    this.micButton.setAttribute("aria-pressed", String(!call.microphone));
    this.micButton.disabled = !call.mic;
    this.peerMic.textContent = call.peer.microphone ? "" : `${other}'s microphone is off`;
    this.tick();
  }
}
