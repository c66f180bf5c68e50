// The personalise dialog's look, added once to the store's page over the widget's dialog style
// (shared/style.js DIALOG_CSS, already there). Rules have no specificity (:where), so the shop's
// own CSS wins; colours come from the widget's custom properties. The dialog is wider than the
// widget's small dialogs, its body scrolls between a fixed head and foot, and nothing in it
// changes height as saving comes and goes (the status line keeps its place).

import { injectStyle } from "../shared/style.js";

const ACCENT = "var(--cartstart-accent,#1a6b45)";
const MUTED = "#55575c";
const LINE = "#e4e2dc";
const DANGER = "var(--cartstart-danger,#b42318)";

const CSS = `
:where(.cartstart-personalise){box-sizing:border-box;width:min(46rem,calc(100vw - 1.5rem));max-height:calc(100vh - 2rem);margin:auto;padding:0;display:flex;flex-direction:column;overflow:hidden;border:0;border-radius:var(--cartstart-radius,10px);background:var(--cartstart-surface,#fff);color:var(--cartstart-text,#1d1d1f);font:16px/1.45 var(--cartstart-font,system-ui,-apple-system,'Segoe UI',sans-serif);box-shadow:0 16px 48px rgb(0 0 0/.28)}
:where(.cartstart-personalise)::backdrop{background:rgb(15 15 15/.5)}
:where(.cartstart-personalise p){margin:0 0 .8rem}
:where(.cartstart-personalise:not([open])){display:none}
:where(.cartstart-personalise *){box-sizing:border-box}
:where(.cartstart-personalise .cp-head){display:flex;align-items:flex-start;gap:1rem;justify-content:space-between;padding:1.1rem 1.4rem .8rem;border-bottom:1px solid ${LINE}}
:where(.cartstart-personalise .cp-head h2){margin:0;font-size:1.25rem;overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-store){margin:.15rem 0 0;color:${MUTED};font-size:.9rem;overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-close){flex:none;font:inherit;font-size:1.5rem;line-height:1;width:2.4rem;height:2.4rem;border-radius:8px;border:1px solid transparent;background:transparent;color:inherit;cursor:pointer}
:where(.cartstart-personalise .cp-close:hover){background:#f0efeb}
:where(.cartstart-personalise :is(.cp-close,input,select,textarea):focus-visible){outline:3px solid ${ACCENT};outline-offset:1px}
:where(.cartstart-personalise>*){flex:none}
:where(.cartstart-personalise>.cp-body){flex:1 1 auto;min-height:7rem;overflow-y:auto;padding:1rem 1.4rem;border-top:1px solid transparent}
:where(.cartstart-personalise>:is(.cp-notice:not(:empty),.cp-consent:not([hidden]))~.cp-body){border-top-color:${LINE}}
:where(.cartstart-personalise .cp-intro){white-space:pre-wrap;overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-notice:empty){display:none}
:where(.cartstart-personalise .cp-locked){opacity:.75}
:where(.cartstart-personalise .cp-notice){margin:.8rem 1.4rem .4rem;padding:.6rem .8rem;border-radius:8px;background:#fff4d6;color:#5c4300}
:where(.cartstart-personalise .cp-legend){color:${MUTED};font-size:.88rem}
:where(.cartstart-personalise .cp-consent){margin:.8rem 1.4rem .4rem;padding:.8rem 1rem;border-radius:10px;border:1px solid ${ACCENT};background:#eef6f1}
:where(.cartstart-personalise .cp-consent[hidden]){display:none}
:where(.cartstart-personalise .cp-consent h3){margin:0 0 .3rem;font-size:1.02rem}
:where(.cartstart-personalise .cp-consent p){margin:0 0 .7rem}
:where(.cartstart-personalise .cp-consent .cartstart-actions){justify-content:flex-start}
:where(.cartstart-personalise .cp-field){margin:0 0 1.3rem;padding:0;border:0;min-width:0}
:where(.cartstart-personalise .cp-label){display:block;margin:0 0 .3rem;padding:0;font-weight:600;overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-req){color:${DANGER}}
:where(.cartstart-personalise :is(.cp-help,.cp-limits,.cp-changed,.cp-count,.cp-empty)){margin:0 0 .35rem;font-size:.86rem;color:${MUTED};overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-help){white-space:pre-wrap}
:where(.cartstart-personalise .cp-changed){margin:.3rem 0 0;color:#7a4a00;font-weight:600}
:where(.cartstart-personalise :is(.cp-changed,.cp-error):empty){display:none}
:where(.cartstart-personalise .cp-count){margin:.2rem 0 0;text-align:right}
:where(.cartstart-personalise :is(input,select,textarea)){display:block;width:100%;margin:0;padding:.5rem .65rem;border:1px solid #8a8a8a;border-radius:8px;background:#fff;color:#1d1d1f;font:inherit;font-weight:400}
:where(.cartstart-personalise textarea){resize:vertical;min-height:5.5rem}
:where(.cartstart-personalise :is(input,select,textarea)[aria-invalid=true]){border-color:${DANGER};box-shadow:0 0 0 1px ${DANGER}}
:where(.cartstart-personalise .cp-error){margin:.3rem 0 0;color:${DANGER};font-size:.9rem}
:where(.cartstart-personalise .cp-rows-scroll){overflow-x:auto}
:where(.cartstart-personalise .cp-rows){width:100%;border-collapse:collapse;margin:.2rem 0 .5rem}
:where(.cartstart-personalise .cp-rows th){text-align:left;font-size:.86rem;font-weight:600;padding:.25rem .35rem;border-bottom:1px solid ${LINE}}
:where(.cartstart-personalise .cp-rows td){padding:.3rem .35rem;vertical-align:top}
:where(.cartstart-personalise .cp-rows :is(input,select)){min-width:7rem;padding:.4rem .5rem}
:where(.cartstart-personalise .cp-rownum){width:2rem;color:${MUTED};font-weight:400;text-align:right}
:where(.cartstart-personalise .cp-rows-actions){display:flex;align-items:center;gap:.8rem}
:where(.cartstart-personalise .cp-count-rows){color:${MUTED};font-size:.88rem}
:where(.cartstart-personalise .cp-remove-row){padding:.35rem .7rem;font-size:.88rem}
:where(.cartstart-personalise .cp-comments){list-style:none;margin:.45rem 0 0;padding:0;display:flex;flex-direction:column;gap:.35rem}
:where(.cartstart-personalise .cp-form-comments){margin:0 0 1rem}
:where(.cartstart-personalise .cp-comments[hidden]){display:none}
:where(.cartstart-personalise .cp-comment){padding:.45rem .7rem;border-radius:8px;border-left:4px solid ${ACCENT};background:#f2f7f4;white-space:pre-wrap;overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-meta){display:block;font-size:.8rem;color:${MUTED}}
:where(.cartstart-personalise .cp-foot){display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:flex-end;justify-content:space-between;padding:.8rem 1.4rem 1rem;border-top:1px solid ${LINE};background:#fafaf8}
:where(.cartstart-personalise .cp-summary){flex:1 1 16rem;min-width:0}
:where(.cartstart-personalise .cp-summary p){margin:0;font-size:.92rem}
:where(.cartstart-personalise .cp-bar){display:block;width:100%;height:.5rem;margin:0 0 .35rem;accent-color:${ACCENT}}
:where(.cartstart-personalise .cp-progress){font-weight:600}
:where(.cartstart-personalise .cp-missing){color:${MUTED};overflow-wrap:anywhere}
:where(.cartstart-personalise .cp-price){font-weight:600;margin-top:.2rem}
:where(.cartstart-personalise .cp-end){display:flex;align-items:center;gap:.9rem}
:where(.cartstart-personalise .cp-status){margin:0;min-width:8.5rem;min-height:1.45em;text-align:right;font-size:.9rem;color:${MUTED}}
:where(.cartstart-personalise .cp-status:is([data-state=offline],[data-state=retrying],[data-state=invalid],[data-state=failed])){color:${DANGER}}
`;

export const addPersonaliseStyle = () => injectStyle("cartstart-personalise-style", CSS);
