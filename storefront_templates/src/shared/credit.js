// A support call's credit, ticking locally from its one `credit_plan` (docs/protocol.md "Support
// calls with prepaid credit"): the shopper's page, the talk panel and the console all count it
// the same way the hub charges (whole seconds, rounded up to the cent, never below zero).

/** @typedef {import("./support").CreditPlan} CreditPlan */
/** @typedef {import("./protocol").Money} Money */

/**
 * The credit left at `now` under a plan.
 * @param {CreditPlan} plan
 * @param {number} now the hub's time, seconds
 * @returns {Money}
 */
export function creditLeft(plan, now) {
  const seconds = Math.max(0, Math.floor(now - plan.answered_at));
  const used = Math.ceil((plan.price_per_minute.amount * seconds) / 60);
  return { amount: Math.max(0, plan.balance.amount - used), currency: plan.balance.currency };
}
