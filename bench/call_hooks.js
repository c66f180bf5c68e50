// bench/calls.py: timestamps of a call's setup inside a page, all in epoch milliseconds
// (performance.timeOrigin + performance.now(), comparable across pages and with Python's
// time.time()). Added to a page before its own scripts (page.add_init_script).
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const bench = (window.__bench = { accept: null, pcs: [], cams: [], cameraFirst: false });
  // The click on "Accept", as it reaches the page (capture phase, before the page's handler).
  document.addEventListener(
    "click",
    (e) => {
      const button = e.target instanceof Element ? e.target.closest("button") : null;
      if (button && button.textContent.trim() === "Accept") bench.accept = now();
    },
    true,
  );
  const Real = window.RTCPeerConnection;
  class Timed extends Real {
    constructor(...args) {
      super(...args);
      const rec = { created: now(), offer: null, answer: null, ice: null, frame: null };
      this.__rec = rec;
      bench.pcs.push(rec);
      this.addEventListener("iceconnectionstatechange", () => {
        const s = this.iceConnectionState;
        if (rec.ice === null && (s === "connected" || s === "completed")) rec.ice = now();
      });
      this.addEventListener("track", (e) => {
        if (e.track.kind !== "video") return;
        const video = document.querySelector("video.call-remote");
        if (video && rec.frame === null)
          video.requestVideoFrameCallback(() => {
            if (rec.frame === null) rec.frame = now();
          });
      });
    }
    async setRemoteDescription(description) {
      await super.setRemoteDescription(description);
      const rec = this.__rec;
      if (description && rec[description.type] === null) rec[description.type] = now();
    }
    addTransceiver(kind, init) {
      const t = super.addTransceiver(kind, init);
      if (kind === "video") t.sender.__video = true;
      return t;
    }
  }
  window.RTCPeerConnection = Timed;
  // With cameraFirst set, a page that starts its camera off sends Chromium's fake camera
  // anyway, opened when the page attaches its tracks (as a page whose camera starts on does).
  const replace = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = async function (track) {
    if (track === null && this.__video && bench.cameraFirst) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      track = stream.getVideoTracks()[0];
      bench.cams.push(track);
    }
    return replace.call(this, track);
  };
})();
