// A call in a live-selling session, the browser's side (docs/protocol.md section 9a "Calls"):
// the call's life from the session's `call` events, and the media between the two sides with
// the browser's own WebRTC. Used by the visitor's page (src/live/call.js) and the store console
// (src/console/live/call.js); each draws it in its own words.
//
// The rule for who offers: the side that STARTED the call (`started_by`) creates the offer once
// the call is `active`; the other side answers. ICE candidates trickle in `rtc` frames both
// ways. `rtc` frames that arrive before this side's RTCPeerConnection exists (it waits for the
// microphone and the ICE servers) are queued, and so are candidates that arrive before the
// remote description. Both sides open one audio and one video transceiver whatever their
// camera does, so turning the camera on or off later is a track swap, never a renegotiation.
// The camera is off until turned on when `cameraFirst` is false (the visitor's); the microphone
// is asked for only when the call becomes active. A failed ICE connection hangs up with
// `connection_lost`; an ended call closes the connection and stops every track (camera light
// off). While the store rings a visitor, the visitor sees the store's camera through a separate
// preview connection (shared/preview.js) that closes when the ring ends.

import { Devices } from "./devices.js";
import { iceServers } from "./ice.js";
import { Preview } from "./preview.js";

/** @typedef {import("./live").CallInfo} CallInfo */
/** @typedef {import("./live").RtcRelayed} RtcRelayed */
/** @typedef {import("./live").PeerMedia} PeerMedia */
/** @typedef {import("./live").Side} Side */

/**
 * @typedef {Object} CallEnv
 * @property {URL} hub
 * @property {() => string} token the session link (visitor) or the store's key
 * @property {Side} me
 * @property {boolean} cameraFirst whether this side's camera starts on
 * @property {(command: Record<string, unknown>) => Promise<any>} command a session command (its
 *   `id` added by the caller's connection when it has none)
 * @property {(frame: Record<string, unknown>) => void} signal an ephemeral frame on the socket
 * @property {() => void} changed draw again
 * @property {(message: string) => void} [trouble] a problem to show (no camera, no microphone)
 */

export class Call {
  /** @param {CallEnv} env */
  constructor(env) {
    this.env = env;
    /** @type {CallInfo | null} the call that rings or runs */
    this.current = null;
    /** @type {CallInfo | null} the last call that ended (its reason is shown) */
    this.ended = null;
    this.sellerBusy = false;
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    /** @type {MediaStream} what the other side sends */
    this.remote = new MediaStream();
    this.devices = new Devices({ wanted: () => this.current !== null, changed: () => env.changed(), trouble: env.trouble });
    /** @type {{camera: boolean, microphone: boolean}} the other side's, from `media` frames */
    this.peer = { camera: false, microphone: true };
    /** @type {RtcRelayed[]} rtc frames waiting for the peer connection */
    this.queued = [];
    /** @type {RTCIceCandidateInit[]} candidates waiting for the remote description */
    this.early = [];
    /** @type {Record<string, unknown>[]} our candidates, held until our description is sent */
    this.outgoing = [];
    this.described = false;
    this.chain = Promise.resolve();
    /** When this side saw the call become active (ms, performance clock). */
    this.since = 0;
    this.starting = false;
    /** @type {Set<string>} calls this page asked for, rang or accepted: the same session may be
     * open in another window (a visitor's desktop cart, a second console tab) and the hub tells
     * every window; a call taken there is neither joined nor hung up here */
    this.mine = new Set();
    /** this page's ask is on its way (its call's event may come before the answer naming it) */
    this.asking = false;
    this.preview = new Preview({
      signal: env.signal,
      changed: () => env.changed(),
      iceServers: () => iceServers(env.hub, env.token()),
    });
  }

  /** Whether the current call is this page's. */
  get here() {
    return this.current !== null && this.mine.has(this.current.call_id);
  }

  /** Whether the current call is another window's (not a ring this page may answer). */
  get elsewhere() {
    const cur = this.current;
    if (!cur || this.here) return false;
    if (cur.state === "ringing" && (cur.started_by !== this.env.me || this.asking)) return false;
    return true;
  }

  /** Seconds since the call was answered, while it runs. */
  elapsed() {
    return this.since ? (performance.now() - this.since) / 1000 : 0;
  }

  /** Whether a call rings or runs. */
  get busy() {
    return this.current !== null;
  }

  /**
   * A `call` event, a command's result, or the snapshot's call: where the call is now.
   * @param {CallInfo | null | undefined} info
   */
  apply(info) {
    if (!info) return;
    const cur = this.current;
    if (cur && cur.call_id === info.call_id && rank(cur.state) > rank(info.state)) return; // older news
    if (this.ended?.call_id === info.call_id && info.state !== "ended") return; // over already
    if (info.state === "ended") {
      if (this.ended?.call_id === info.call_id && !cur) return; // said once
      this.ended = info;
      if (!cur || cur.call_id === info.call_id) this.stop();
    } else {
      if (cur && cur.call_id !== info.call_id) this.stop();
      const becameActive = info.state === "active" && cur?.state !== "active";
      this.current = info;
      this.ended = null;
      if (cur?.call_id !== info.call_id) this.peer = { camera: false, microphone: true };
      if (becameActive && this.mine.has(info.call_id)) this.begin(info);
    }
    this.followRing();
    this.env.changed();
  }

  /** While the store rings, the visitor watches the store's camera, which the store opens now
   * (shared/preview.js); once the ring is over, the preview closes. */
  followRing() {
    const cur = this.current;
    if (cur?.state !== "ringing") return this.preview.stop();
    if (cur.started_by === this.env.me) {
      if (this.here && this.env.cameraFirst) void this.devices.openCameraOnce();
    } else if (this.env.me === "visitor" && !this.elsewhere) {
      this.preview.watch(cur.call_id).catch(() => {});
    }
  }

  /**
   * The snapshot (a reconnect that could not resume): its call, or none.
   * @param {CallInfo | null | undefined} info
   * @param {boolean | undefined} sellerBusy
   */
  load(info, sellerBusy) {
    this.sellerBusy = Boolean(sellerBusy);
    if (info) this.apply(info);
    else if (this.current) this.stop();
    this.env.changed();
  }

  /** @param {boolean} busy */
  setSellerBusy(busy) {
    this.sellerBusy = busy;
    this.env.changed();
  }

  // ---- commands ------------------------------------------------------------------------

  /** Ask for a call (the visitor; `{support: true}` for a paid support call) or ring (the store).
   * @param {Record<string, unknown>} [extra] */
  async start(extra = {}) {
    this.asking = true;
    let result;
    try {
      result = await this.env.command({ ...extra, type: "call" });
    } finally {
      this.asking = false;
    }
    if (result.call) this.mine.add(result.call.call_id);
    this.apply(result.call);
    const cur = this.current;
    if (cur?.state === "active" && this.here) this.begin(cur); // its events came first
    this.env.changed();
  }

  /** @param {boolean} accept */
  async answer(accept) {
    if (!this.current) return;
    if (accept) this.mine.add(this.current.call_id);
    const result = await this.env.command({ type: "answer_call", call_id: this.current.call_id, accept });
    this.apply(result.call);
  }

  /** @param {"hung_up" | "connection_lost"} [reason] */
  async hangUp(reason = "hung_up") {
    const cur = this.current;
    if (!cur || !this.here) return; // another window's call goes on
    const result = await this.env.command({ type: "hang_up", call_id: cur.call_id, reason });
    this.apply(result.call);
  }

  /** The camera on or off; before the connection is up, it is attached when it is. */
  async toggleCamera() {
    if (this.current?.state !== "active") return;
    if (this.devices.camera) {
      const cam = this.devices.takeCamera();
      await this.sender("video")?.replaceTrack(null);
      cam?.stop();
    } else {
      const cam = await this.devices.startCamera();
      if (!cam) return;
      await this.sender("video")?.replaceTrack(cam);
    }
    this.tellMedia();
    this.env.changed();
  }

  toggleMicrophone() {
    if (!this.devices.toggleMicrophone()) return;
    this.tellMedia();
    this.env.changed();
  }

  // What the call panel draws of this side's devices.
  get mic() { return this.devices.mic; }
  get cam() { return this.devices.cam; }
  get camera() { return this.devices.camera; }
  get microphone() { return this.devices.microphone; }
  localVideo() { return this.devices.localVideo(); }

  // ---- signalling ----------------------------------------------------------------------

  /** @param {RtcRelayed} frame */
  onRtc(frame) {
    const cur = this.current;
    if (!cur || frame.call_id !== cur.call_id || frame.side === this.env.me) return;
    if (frame.preview) {
      if (cur.state === "ringing") this.preview.onRtc(frame, () => this.ownCamera());
      return;
    }
    if (!this.pc) {
      this.queued.push(frame);
      return;
    }
    const pc = this.pc;
    this.chain = this.chain.then(() => this.receive(pc, frame)).catch(() => {});
  }

  /** @param {PeerMedia} frame */
  onMedia(frame) {
    if (!this.current || frame.call_id !== this.current.call_id || frame.side === this.env.me) return;
    this.peer = { camera: frame.camera, microphone: frame.microphone };
    this.env.changed();
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {RtcRelayed} frame
   */
  async receive(pc, frame) {
    if (pc !== this.pc) return;
    if (frame.description) {
      await pc.setRemoteDescription(frame.description);
      if (frame.description.type === "offer") {
        for (const t of pc.getTransceivers()) t.direction = "sendrecv";
        await this.attachTracks(pc);
        await pc.setLocalDescription(await pc.createAnswer());
        this.describe(pc);
      }
      for (const c of this.early.splice(0)) await pc.addIceCandidate(c);
    } else if (frame.candidate && frame.candidate.candidate) {
      /** @type {RTCIceCandidateInit} */
      const c = { candidate: frame.candidate.candidate, sdpMid: frame.candidate.sdpMid ?? null, sdpMLineIndex: frame.candidate.sdpMLineIndex ?? null };
      if (pc.remoteDescription) await pc.addIceCandidate(c);
      else this.early.push(c);
    }
  }

  /**
   * Our description goes out, then the candidates found meanwhile.
   * @param {RTCPeerConnection} pc
   */
  describe(pc) {
    const d = pc.localDescription;
    if (!d || !this.current) return;
    this.env.signal({ type: "rtc", call_id: this.current.call_id, description: { type: d.type, sdp: d.sdp } });
    this.described = true;
    for (const c of this.outgoing.splice(0)) this.env.signal(c);
  }

  // ---- the connection ------------------------------------------------------------------

  /** @param {CallInfo} info the call, now active */
  async begin(info) {
    if (this.starting || this.pc) return;
    this.starting = true;
    this.since = performance.now();
    try {
      const [servers] = await Promise.all([iceServers(this.env.hub, this.env.token()), this.openDevices()]);
      if (this.current?.call_id !== info.call_id || this.current.state !== "active") return this.releaseDevices();
      const pc = new RTCPeerConnection({ iceServers: servers });
      this.pc = pc;
      this.remote = new MediaStream();
      pc.ontrack = (event) => {
        if (!this.remote.getTracks().includes(event.track)) this.remote.addTrack(event.track);
        this.env.changed();
      };
      pc.onicecandidate = (event) => {
        if (!event.candidate || !event.candidate.candidate || !this.current) return;
        const { candidate, sdpMid, sdpMLineIndex } = event.candidate;
        const frame = { type: "rtc", call_id: this.current.call_id, candidate: { candidate, sdpMid, sdpMLineIndex } };
        if (this.described) this.env.signal(frame);
        else this.outgoing.push(frame);
      };
      pc.oniceconnectionstatechange = () => {
        if (pc === this.pc && pc.iceConnectionState === "failed") this.hangUp("connection_lost").catch(() => {});
      };
      if (info.started_by === this.env.me) {
        pc.addTransceiver("audio", { direction: "sendrecv" });
        pc.addTransceiver("video", { direction: "sendrecv" });
        await this.attachTracks(pc);
        await pc.setLocalDescription(await pc.createOffer());
        this.describe(pc);
      }
      for (const frame of this.queued.splice(0)) this.onRtc(frame);
      this.tellMedia();
    } catch {
      this.env.trouble?.("The call could not be set up in this browser.");
    } finally {
      this.starting = false;
      this.env.changed();
    }
  }

  /** The microphone (asked for now), and the camera when this side starts with it on. */
  async openDevices() {
    await this.devices.openMicrophone();
    if (this.env.cameraFirst) await this.devices.openCameraOnce();
  }

  /** This side's camera for a ring's preview: only the store's own ring, while it rings. */
  ownCamera() {
    const cur = this.current;
    const ringing = cur?.state === "ringing" && cur.started_by === this.env.me && this.here;
    return ringing && this.env.cameraFirst ? this.devices.openCameraOnce() : Promise.resolve(null);
  }

  /** @param {RTCPeerConnection} pc */
  async attachTracks(pc) {
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      await t.sender.replaceTrack(kind === "audio" ? this.devices.mic : this.devices.cam);
    }
  }

  /** @param {"audio" | "video"} kind */
  sender(kind) {
    return this.pc?.getTransceivers().find((t) => t.receiver.track.kind === kind)?.sender ?? null;
  }

  tellMedia() {
    if (!this.current) return;
    this.env.signal({ type: "media", call_id: this.current.call_id, camera: this.camera, microphone: this.microphone });
  }

  releaseDevices() {
    this.devices.release();
  }

  /** Another session (the console): nothing of this one's call stays. */
  reset() {
    this.stop();
    this.ended = null;
    this.sellerBusy = false;
    this.env.changed();
  }

  /** The call is over here: the connection closed, every track stopped. */
  stop() {
    this.preview.stop();
    this.pc?.close();
    this.pc = null;
    this.releaseDevices();
    for (const t of this.remote.getTracks()) t.stop();
    this.remote = new MediaStream();
    this.current = null;
    this.queued = [];
    this.early = [];
    this.outgoing = [];
    this.described = false;
    this.since = 0;
  }
}

/** @param {string} state */
const rank = (state) => ["ringing", "active", "ended"].indexOf(state);
