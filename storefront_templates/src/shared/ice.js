// The STUN and TURN servers a call's connections use, with TURN credentials the hub signs for
// this session (docs/protocol.md section 9a "ICE servers").

import { httpJson } from "./http.js";

/** @typedef {import("./live").IceServers} IceServers */

/**
 * @param {URL} hub
 * @param {string} token the session link (visitor) or the store's key
 * @returns {Promise<RTCIceServer[]>}
 */
export async function iceServers(hub, token) {
  try {
    /** @type {IceServers} */
    const answer = await httpJson(hub, "api/live/ice-servers", { token });
    return answer.ice_servers.map((s) => {
      /** @type {RTCIceServer} */
      const server = { urls: s.urls };
      if (s.username) server.username = s.username;
      if (s.credential) server.credential = s.credential;
      return server;
    });
  } catch {
    return []; // no relay: direct connections still work
  }
}
