// This side's camera and microphone in a call (shared/call.js): each opened when it is needed,
// the words when the browser refuses, and all stopped together when the call is over (the camera
// light goes off).

const VIDEO = { width: 640, height: 480 };

/**
 * @typedef {Object} DevicesEnv
 * @property {() => boolean} wanted whether a track that opens now is still needed (a ring or a
 *   call goes on; otherwise it is stopped at once)
 * @property {() => void} changed draw again
 * @property {(message: string) => void} [trouble]
 */

export class Devices {
  /** @param {DevicesEnv} env */
  constructor(env) {
    this.env = env;
    /** @type {MediaStreamTrack | null} */
    this.mic = null;
    /** @type {MediaStreamTrack | null} */
    this.cam = null;
    this.camera = false;
    this.microphone = false;
    /** @type {Promise<MediaStreamTrack | null> | null} the camera being opened once */
    this.opening = null;
  }

  async openMicrophone() {
    try {
      const audio = await navigator.mediaDevices.getUserMedia({ audio: true });
      this.mic = audio.getAudioTracks()[0] ?? null;
      this.microphone = this.mic !== null;
    } catch {
      this.env.trouble?.("Your microphone is off: this page was not allowed to use it. The other side cannot hear you.");
    }
  }

  /** The camera, opened once, for a side that starts with it on: when it rings (the preview) or
   * when the call starts, whichever comes first. */
  openCameraOnce() {
    this.opening ??= this.startCamera("Your camera could not be started; the other side sees a placeholder.");
    return this.opening;
  }

  /**
   * @param {string} [refused] said when the browser refuses
   * @returns {Promise<MediaStreamTrack | null>}
   */
  async startCamera(refused = "Your camera could not be started. Check that no other program uses it, and that this page may use it.") {
    let cam;
    try {
      const video = await navigator.mediaDevices.getUserMedia({ video: VIDEO });
      cam = video.getVideoTracks()[0] ?? null;
    } catch {
      this.env.trouble?.(refused);
      return null;
    }
    if (!this.env.wanted()) return (cam?.stop(), null); // the call or ring ended meanwhile
    this.cam?.stop();
    this.cam = cam;
    this.camera = cam !== null;
    this.env.changed();
    return cam;
  }

  /** The camera off: the track is handed back to be taken off the call, then stopped. */
  takeCamera() {
    const cam = this.cam;
    this.cam = null;
    this.camera = false;
    this.opening = null;
    return cam;
  }

  /** @returns {boolean} whether there is a microphone to mute or unmute */
  toggleMicrophone() {
    if (!this.mic) {
      this.env.trouble?.("There is no microphone in this call: this page was not allowed to use it.");
      return false;
    }
    this.microphone = !this.microphone;
    this.mic.enabled = this.microphone;
    return true;
  }

  /** This side's camera, for the self view (null while off). */
  localVideo() {
    return this.cam ? new MediaStream([this.cam]) : null;
  }

  release() {
    this.mic?.stop();
    this.takeCamera()?.stop();
    this.mic = null;
    this.microphone = false;
  }
}
