// The hub's time as this browser reckons it: the browser's clock corrected by the hub's Date
// header when they differ by more than a few seconds. Countdowns and a support call's credit
// tick from it (the hub sends times, never per-second news).

/** The hub's clock minus this browser's, in seconds (from an answer's Date header). */
let skew = 0;

/** @param {Response} response */
export function learnClock(response) {
  const date = Date.parse(response.headers.get("date") ?? "");
  if (!Number.isNaN(date)) {
    const difference = (date - Date.now()) / 1000;
    skew = Math.abs(difference) > 5 ? difference : 0; // a second's rounding is no skew
  }
}

/** The hub's time now, in seconds since the epoch. */
export const hubNow = () => Date.now() / 1000 + skew;
