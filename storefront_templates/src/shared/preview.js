// Early media for a call the store starts: while it rings, the visitor sees the agent's camera
// (docs/protocol.md section 9a "Seeing who calls"). It is a throwaway, one-way peer connection
// beside the call's own. The side being rung offers to RECEIVE video only (it sends nothing, and
// no camera or microphone is opened for it); the ringing side answers with its camera alone,
// never its microphone. Its `rtc` frames carry `preview: true`. It closes as soon as the ring
// ends either way; an accepted call then connects as every call does (the side that started it
// offers), so a second window of the same session, or a desktop cart that shows no preview,
// never confuses the call itself. A newer watch replaces an older one (the last window wins).

/** @typedef {import("./live").RtcRelayed} RtcRelayed */

/**
 * @typedef {Object} PreviewEnv
 * @property {(frame: Record<string, unknown>) => void} signal an ephemeral frame on the socket
 * @property {() => void} changed draw again
 * @property {() => Promise<RTCIceServer[]>} iceServers
 */

export class Preview {
  /** @param {PreviewEnv} env */
  constructor(env) {
    this.env = env;
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    this.callId = "";
    /** @type {MediaStream} the ringing side's camera, on the rung side */
    this.remote = new MediaStream();
    /** frames of the other side's camera arrive (the rung side shows them) */
    this.showing = false;
    /** the connection is up (the ringing side says "they can see you") */
    this.connected = false;
    /** @type {RTCIceCandidateInit[]} candidates waiting for the remote description */
    this.early = [];
    /** @type {Record<string, unknown>[]} our candidates, held until our description is sent */
    this.outgoing = [];
    this.chain = Promise.resolve();
  }

  /**
   * The rung side: ask to see the ringing side's camera while `callId` rings.
   * @param {string} callId
   */
  async watch(callId) {
    if (this.callId === callId) return;
    this.stop();
    this.callId = callId;
    const servers = await this.env.iceServers();
    if (this.callId !== callId) return; // the ring ended meanwhile
    const pc = this.open(servers);
    pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    this.describe(pc);
  }

  /**
   * A preview frame from the other side. The ringing side answers an offer with `camera` (none:
   * no answer, and the rung side keeps its words without a picture).
   * @param {RtcRelayed} frame
   * @param {() => Promise<MediaStreamTrack | null>} camera
   */
  onRtc(frame, camera) {
    this.chain = this.chain.then(() => this.receive(frame, camera)).catch(() => {});
  }

  /**
   * @param {RtcRelayed} frame
   * @param {() => Promise<MediaStreamTrack | null>} camera
   */
  async receive(frame, camera) {
    const description = frame.description;
    if (description?.type === "offer") {
      const cam = await camera();
      if (!cam) return;
      this.stop();
      this.callId = frame.call_id;
      const servers = await this.env.iceServers();
      if (this.callId !== frame.call_id) return; // the ring ended meanwhile
      const pc = this.open(servers);
      await pc.setRemoteDescription(description);
      for (const t of pc.getTransceivers()) {
        t.direction = "sendonly";
        await t.sender.replaceTrack(cam);
      }
      await pc.setLocalDescription(await pc.createAnswer());
      this.describe(pc);
      return this.flushEarly(pc);
    }
    const pc = this.pc;
    if (!pc || frame.call_id !== this.callId) return;
    if (description) {
      await pc.setRemoteDescription(description);
      return this.flushEarly(pc);
    }
    const c = frame.candidate;
    if (!c?.candidate) return;
    /** @type {RTCIceCandidateInit} */
    const init = { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
    if (pc.remoteDescription) await pc.addIceCandidate(init);
    else this.early.push(init);
  }

  /** @param {RTCPeerConnection} pc */
  async flushEarly(pc) {
    for (const c of this.early.splice(0)) await pc.addIceCandidate(c);
  }

  /**
   * @param {RTCIceServer[]} servers
   * @returns {RTCPeerConnection}
   */
  open(servers) {
    const pc = new RTCPeerConnection({ iceServers: servers });
    this.pc = pc;
    pc.ontrack = (event) => {
      const track = event.track;
      if (!this.remote.getTracks().includes(track)) this.remote.addTrack(track);
      track.onunmute = () => {
        if (pc !== this.pc) return;
        this.showing = true;
        this.env.changed();
      };
    };
    pc.onicecandidate = (event) => {
      if (!event.candidate || !event.candidate.candidate || pc !== this.pc) return;
      const { candidate, sdpMid, sdpMLineIndex } = event.candidate;
      const frame = { type: "rtc", preview: true, call_id: this.callId, candidate: { candidate, sdpMid, sdpMLineIndex } };
      if (pc.localDescription) this.env.signal(frame);
      else this.outgoing.push(frame);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.connected = pc.connectionState === "connected";
      this.env.changed();
    };
    return pc;
  }

  /** @param {RTCPeerConnection} pc */
  describe(pc) {
    const d = pc.localDescription;
    if (!d || pc !== this.pc) return;
    this.env.signal({ type: "rtc", preview: true, call_id: this.callId, description: { type: d.type, sdp: d.sdp } });
    for (const c of this.outgoing.splice(0)) this.env.signal(c);
  }

  /** The ring is over (answered or not): the preview's connection closes; a camera it showed
   * belongs to the call and is not stopped here. */
  stop() {
    const had = this.pc !== null || this.showing;
    this.pc?.close();
    this.pc = null;
    this.callId = "";
    for (const t of this.remote.getTracks()) t.stop();
    this.remote = new MediaStream();
    this.showing = false;
    this.connected = false;
    this.early = [];
    this.outgoing = [];
    if (had) this.env.changed();
  }
}
