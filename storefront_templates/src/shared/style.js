// Stylesheets the browser code brings with it. Each is added once, FIRST in <head>, and written
// with :where() (no specificity), so any rule of the page's own wins over it: a shop restyles
// the widget with its own CSS, or just sets the custom properties (--cartstart-accent, ...) on
// :root or on any element around the products.

/**
 * @param {string} id the <style> element's id (added once per page)
 * @param {string} css
 */
export function injectStyle(id, css) {
  if (document.getElementById(id)) return;
  const style = document.createElement("style");
  style.id = id;
  style.textContent = css;
  document.head.prepend(style);
}

/** "unknown code" -> "Unknown code": the hub's sentences start in lower case (they are often
 * read inside another sentence); shown on their own, they start with a capital.
 * @param {string} text */
export const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// The theme, as custom properties with their defaults (the fallback of each var()).
const ACCENT = "var(--cartstart-accent,#1a6b45)";
const ON_ACCENT = "var(--cartstart-on-accent,#fff)";
const SURFACE = "var(--cartstart-surface,#fff)";
const TEXT = "var(--cartstart-text,#1d1d1f)";
const FONT = "var(--cartstart-font,system-ui,-apple-system,'Segoe UI',sans-serif)";
const RADIUS = "var(--cartstart-radius,10px)";
const DANGER = "var(--cartstart-danger,#b42318)";

/** Buttons: `.cartstart-button` (outlined) and `.cartstart-primary` (filled). */
export const BUTTON_CSS = `
:where(.cartstart-button){font:inherit;font-weight:600;line-height:1.2;padding:.55rem 1.1rem;border-radius:8px;border:1px solid ${ACCENT};background:${SURFACE};color:${ACCENT};cursor:pointer}
:where(.cartstart-button.cartstart-primary){background:${ACCENT};color:${ON_ACCENT}}
:where(.cartstart-button:hover:not(:disabled)){filter:brightness(.93)}
:where(.cartstart-button:focus-visible){outline:3px solid ${ACCENT};outline-offset:2px}
:where(.cartstart-button:disabled){opacity:.5;cursor:default}
`;

/** The one dialog (shared/dialog.js). */
export const DIALOG_CSS = `${BUTTON_CSS}
:where(.cartstart-dialog){box-sizing:border-box;width:min(28rem,calc(100vw - 2rem));margin:auto;padding:1.4rem 1.5rem 1.2rem;border:0;border-radius:${RADIUS};background:${SURFACE};color:${TEXT};font:16px/1.45 ${FONT};box-shadow:0 16px 48px rgb(0 0 0/.28)}
:where(.cartstart-dialog)::backdrop{background:rgb(15 15 15/.5)}
:where(.cartstart-dialog h2){margin:0 0 .5rem;font-size:1.25rem;line-height:1.3}
:where(.cartstart-dialog p){margin:0 0 1rem}
:where(.cartstart-dialog label){display:block;margin:0 0 .9rem;font-weight:600}
:where(.cartstart-dialog input,.cartstart-dialog textarea){display:block;box-sizing:border-box;width:100%;margin-top:.35rem;padding:.55rem .7rem;border:1px solid #8a8a8a;border-radius:8px;background:#fff;color:#1d1d1f;font:inherit;font-weight:400}
:where(.cartstart-dialog input:focus-visible,.cartstart-dialog textarea:focus-visible){outline:3px solid ${ACCENT};outline-offset:1px}
:where(.cartstart-dialog [role=alert]){min-height:1.45em;margin:0 0 .8rem;color:${DANGER}}
:where(.cartstart-actions){display:flex;flex-wrap:wrap;justify-content:flex-end;gap:.6rem}
`;
