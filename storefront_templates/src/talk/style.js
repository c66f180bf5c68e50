// The talk panel's look, added once to the store's page. Rules have no specificity (:where), so
// the shop's own CSS wins; colours come from the widget's custom properties. One rule is
// stronger on purpose: what the panel hides stays hidden whatever `display` the page gives it.

import { injectStyle } from "../shared/style.js";

const ACCENT = "var(--cartstart-accent,#1a6b45)";
const ON_ACCENT = "var(--cartstart-on-accent,#fff)";
const SURFACE = "var(--cartstart-surface,#fff)";
const TEXT = "var(--cartstart-text,#1d1d1f)";
const MUTED = "#55575c";

const CSS = `
:where(.cartstart-talk-panel){position:fixed;z-index:2147483100;right:1.25rem;bottom:1.25rem;box-sizing:border-box;width:min(23rem,calc(100vw - 1.5rem));height:min(36rem,calc(100vh - 2.5rem));display:flex;flex-direction:column;background:${SURFACE};color:${TEXT};font:15px/1.45 var(--cartstart-font,system-ui,-apple-system,'Segoe UI',sans-serif);border-radius:var(--cartstart-radius,12px);box-shadow:0 16px 48px rgb(0 0 0/.28);overflow:hidden}
:where(.cartstart-talk-panel[hidden]){display:none}
:where(.cartstart-talk-panel *){box-sizing:border-box}
.cartstart-talk-panel [hidden]{display:none!important}
:where(.cartstart-talk-head){display:flex;align-items:center;gap:.5rem;padding:.7rem .8rem .7rem 1rem;background:${ACCENT};color:${ON_ACCENT}}
:where(.cartstart-talk-head h2){flex:1;margin:0;font-size:1.02rem;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
:where(.cartstart-talk-head p){margin:0;font-size:.82rem;opacity:.9}
:where(.cartstart-talk-busy){margin:0;padding:.45rem 1rem;background:#fff4d6;color:#5c4300;font-size:.88rem}
:where(.cartstart-talk-close){font:inherit;font-size:1.3rem;line-height:1;width:2.2rem;height:2.2rem;border-radius:8px;border:1px solid transparent;background:transparent;color:inherit;cursor:pointer}
:where(.cartstart-talk-close:hover){background:rgb(255 255 255/.16)}
:where(.cartstart-talk-close:focus-visible){outline:3px solid ${ON_ACCENT};outline-offset:-3px}
:where(.cartstart-talk-call){padding:.6rem .9rem;border-bottom:1px solid #e4e2dc;font-size:.9rem}
:where(.cartstart-talk-call .call-stage){max-height:180px}
:where(.cartstart-talk-call .call-row){gap:.35rem}
:where(.cartstart-talk-call .hint){margin:.2rem 0 0;color:${MUTED}}
:where(.cartstart-talk-call .error){color:var(--cartstart-danger,#b42318);margin:.2rem 0 0}
:where(.cartstart-talk-call .error:empty){display:none}
:where(.cartstart-talk-scroll){flex:1;overflow-y:auto;padding:.7rem .9rem;background:#f7f6f3}
:where(.cartstart-talk-empty){margin:.2rem 0;color:${MUTED}}
:where(.cartstart-talk-log){list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.5rem}
:where(.cartstart-talk-log li){max-width:85%;padding:.45rem .7rem;border-radius:12px;background:${SURFACE};border:1px solid #e4e2dc;overflow-wrap:anywhere;white-space:pre-wrap}
:where(.cartstart-talk-log li.from-visitor){align-self:flex-end;background:#e7f1ec;border-color:#cfe3d8}
:where(.cartstart-talk-log li.cartstart-talk-note){align-self:center;max-width:100%;background:transparent;border:0;color:${MUTED};font-size:.85rem;text-align:center}
:where(.cartstart-talk-log .meta){display:block;font-size:.78rem;color:${MUTED};margin-bottom:.1rem}
:where(.cartstart-talk-typing){min-height:1.3rem;margin:0;padding:0 .9rem;font-size:.82rem;color:${MUTED};background:#f7f6f3}
:where(.cartstart-talk-form){display:flex;gap:.5rem;align-items:flex-end;padding:.6rem .8rem;border-top:1px solid #e4e2dc}
:where(.cartstart-talk-form textarea){flex:1;min-height:2.6rem;max-height:7rem;resize:none;padding:.5rem .6rem;border:1px solid #8a8a8a;border-radius:8px;font:inherit;color:#1d1d1f;background:#fff}
:where(.cartstart-talk-form textarea:focus-visible){outline:3px solid ${ACCENT};outline-offset:1px}
:where(.cartstart-talk-error){margin:0;padding:0 .9rem .5rem;color:var(--cartstart-danger,#b42318);font-size:.88rem}
:where(.cartstart-talk-error:empty){display:none}
:where(.cartstart-talk-unread){display:inline-block;min-width:1.3rem;margin-left:.45rem;padding:.05rem .35rem;border-radius:999px;background:#c8281e;color:#fff;font-size:.8rem;font-weight:700;line-height:1.2rem;text-align:center}
:where(.cartstart-talk-unread[hidden]){display:none}
`;

export const addTalkStyle = () => injectStyle("cartstart-talk-style", CSS);
