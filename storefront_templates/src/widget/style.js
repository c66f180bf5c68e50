// The widget's look, shipped in the bundle and added once (shared/style.js): the dialog, the
// page's notice, and the buttons. Every rule has no specificity, so the shop's own CSS wins;
// colours come from custom properties (docs/storefront.md, "Style it").

import { DIALOG_CSS, injectStyle } from "../shared/style.js";

const ACCENT = "var(--cartstart-accent,#1a6b45)";

const CSS = `${DIALOG_CSS}
:where(.cartstart-add,.cartstart-connect){font:inherit;font-weight:600;padding:.45rem 1rem;border-radius:8px;border:1px solid ${ACCENT};background:${ACCENT};color:var(--cartstart-on-accent,#fff);cursor:pointer}
:where(.cartstart-connect){background:transparent;color:inherit;border-color:currentColor}
:where(.cartstart-add:disabled){background:#d4d4d4;border-color:#d4d4d4;color:#4a4a4a;cursor:default}
:where(.cartstart-add:focus-visible,.cartstart-connect:focus-visible){outline:3px solid ${ACCENT};outline-offset:2px}
:where(.cartstart-notice){position:fixed;z-index:2147483000;left:50%;bottom:1.25rem;transform:translateX(-50%);box-sizing:border-box;max-width:calc(100vw - 2rem);padding:.75rem 1.15rem;border-radius:10px;background:var(--cartstart-notice-background,#1d1d1f);color:var(--cartstart-notice-text,#fff);font:15px/1.4 var(--cartstart-font,system-ui,sans-serif);box-shadow:0 8px 28px rgb(0 0 0/.3)}
:where(.cartstart-notice:empty){padding:0;box-shadow:none}
:where(.cartstart-notice-action){font:inherit;font-weight:600;margin-left:.75rem;padding:.3rem .8rem;border-radius:6px;border:1px solid currentColor;background:transparent;color:inherit;cursor:pointer}
:where(.cartstart-notice-action:focus-visible,.cartstart-forget:focus-visible){outline:3px solid #fff;outline-offset:2px}
:where(.cartstart-live-floating,.cartstart-talk-floating){position:fixed;z-index:2147482000;right:1.25rem;bottom:1.25rem;padding:.7rem 1.15rem;border-radius:999px;background:${ACCENT};color:var(--cartstart-on-accent,#fff);font:600 15px/1.2 var(--cartstart-font,system-ui,sans-serif);text-decoration:none;box-shadow:0 6px 20px rgb(0 0 0/.25)}
:where(.cartstart-live-floating,.cartstart-talk-floating)::before{content:"";display:inline-block;width:.55rem;height:.55rem;margin-right:.5rem;border-radius:50%;background:#ff5a4f;vertical-align:.05em}
:where(.cartstart-talk-floating)::before{background:#5ee08c}
:where(body:has(>.cartstart-live-floating) .cartstart-talk-floating){bottom:4.6rem}
:where(.cartstart-talk .cartstart-talk-busy:not([hidden])){display:block;margin-top:.2rem;font-weight:400;font-size:.82rem;opacity:.92}
:where(.cartstart-live:focus-visible,.cartstart-talk:focus-visible){outline:3px solid ${ACCENT};outline-offset:3px}
:where(.cartstart-personalise-entry){margin-top:.6rem}
:where(.cartstart-personalise-entry[hidden]){display:none}
:where(.cartstart-personalise-open){font:inherit;font-weight:600;padding:.45rem 1rem;border-radius:8px;border:1px solid ${ACCENT};background:transparent;color:${ACCENT};cursor:pointer}
:where(.cartstart-personalise-open:focus-visible){outline:3px solid ${ACCENT};outline-offset:2px}
:where(.cartstart-personalise-progress){margin:.3rem 0 0;font-size:.9em}
:where(.cartstart-personalise-entry[data-asked] .cartstart-personalise-progress){font-weight:600}
:where(.cartstart-hidden){position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export const addWidgetStyle = () => injectStyle("cartstart-style", CSS);
