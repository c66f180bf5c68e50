// Moving an order along (docs/protocol.md section 6a): the next steps of each status, and the
// form a step asks for first (a dialog: the shopper reads the carrier, tracking link and reason).

import { formDialog } from "../shared/dialog.js";

/** @typedef {import("../shared/dialog.js").FormDialog} FormDialog */
/** @typedef {import("../shared/dialog.js").DialogField} DialogField */

/** @type {Record<string, [status: string, label: string][]>} */
export const STEPS = {
  placed: [["confirmed", "Confirm"], ["rejected", "Reject"], ["cancelled", "Cancel"]],
  confirmed: [["dispatched", "Dispatch"], ["cancelled", "Cancel"]],
  dispatched: [["delivered", "Delivered"]],
};

/** An order's status as the shop owner reads it. */
export const STATUS_WORDS = /** @type {Record<string, string>} */ ({
  placed: "Placed",
  confirmed: "Confirmed",
  dispatched: "Dispatched",
  delivered: "Delivered",
  rejected: "Rejected",
  cancelled: "Cancelled",
});

const REASON = [{ name: "reason", label: "Reason", required: true, maxLength: 500 }];

// Each step's form. Closing it ("Cancel", or "Back" where the step itself is a cancelling one)
// leaves the order as it was.
/** @type {Record<string, {title: string, help: string, fields: DialogField[], submit: string, cancel: string}>} */
const FORMS = {
  dispatched: {
    title: "Dispatch order",
    help: "The shopper sees the carrier and can follow the tracking link. Both are optional.",
    fields: [
      { name: "carrier", label: "Carrier", maxLength: 100 },
      { name: "tracking_url", label: "Tracking link", type: "url", placeholder: "https://…" },
    ],
    submit: "Dispatch",
    cancel: "Cancel",
  },
  rejected: { title: "Reject order", help: "Why? The shopper reads this.", fields: REASON, submit: "Reject order", cancel: "Back" },
  cancelled: { title: "Cancel order", help: "Why? The shopper reads this.", fields: REASON, submit: "Cancel order", cancel: "Back" },
};

/**
 * @typedef {{status: string, carrier?: string | null, tracking_url?: string | null, reason?: string}} StepBody
 */

/**
 * Asks what a step needs, then takes it with `move`. Steps that need nothing are taken at once
 * (`move` rejects with the hub's reason); the others open a dialog, which shows the hub's
 * reason itself and stays open until the step is taken or the person goes back.
 * @param {(orderId: string, body: StepBody) => Promise<void>} move
 * @returns {(orderId: string, status: string) => Promise<void>}
 */
export function orderSteps(move) {
  /** @type {Map<string, FormDialog>} */
  const dialogs = new Map();
  let current = "";

  return async (orderId, status) => {
    const form = FORMS[status];
    if (!form) return move(orderId, { status });
    let dialog = dialogs.get(status);
    if (!dialog) {
      const built = formDialog({
        id: `order-${status}`,
        ...form,
        async onSubmit(values) {
          /** @type {StepBody} */
          const body = { status };
          if (status === "dispatched") {
            body.carrier = values.carrier || null;
            body.tracking_url = values.tracking_url || null;
          } else {
            body.reason = values.reason;
          }
          await move(current, body);
          built.close();
        },
      });
      dialogs.set(status, built);
      dialog = built;
    }
    current = orderId;
    dialog.open(`${form.title} ${orderId}`);
  };
}
