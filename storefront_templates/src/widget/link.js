// The link to a shopper's cart: a link token (docs/protocol.md section 7, "Link tokens") kept in
// localStorage, which is per origin: one link per store site.

const TOKEN_KEY = "cartstart.link";

/** @typedef {{readonly token: string | null, set: (token: string) => void, drop: () => void}} Link */

/** @type {Link} */
export const link = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    localStorage.setItem(TOKEN_KEY, token);
  },
  drop() {
    localStorage.removeItem(TOKEN_KEY);
  },
};

/** A page opened from the cart carries a fresh token in its fragment (`#cartstart=...`): keep it. */
export function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("cartstart");
  if (!token) return;
  link.set(token);
  params.delete("cartstart");
  const rest = params.toString();
  // The token leaves the address bar (and the history entry): it is a secret.
  history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
}
