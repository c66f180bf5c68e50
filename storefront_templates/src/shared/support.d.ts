// Support calls with prepaid credit (shared_protocol/support.py; docs/protocol.md "Support calls
// with prepaid credit"): what the visitor's page and the console read. Types only.

import type { Money } from "./protocol";

export type ComplaintAbout = "answers" | "support";

export interface Complaint {
  complaint_id: string;
  call_id: string;
  store_id: string;
  cart_ref?: string;
  about: ComplaintAbout;
  text: string;
  at: number;
  answer?: string | null;
  answered_at?: number | null;
}

/** Once per support call, when answered: both sides tick it locally. */
export interface CreditPlan {
  type: "credit_plan";
  seq: number;
  call_id: string;
  answered_at: number;
  price_per_minute: Money;
  balance: Money;
  warn_at: number;
  ends_at: number;
}

export interface CreditWarning {
  type: "credit_warning";
  seq: number;
  call_id: string;
  ends_at: number;
}

export interface SupportReport {
  type: "support_report";
  seq: number;
  call_id: string;
  duration: number;
  charged: Money;
  balance: Money;
  end_reason: string;
  at: number;
}

export interface ComplaintChanged {
  type: "complaint";
  seq: number;
  complaint: Complaint;
}

/** Durable, in each of the shopper's sessions with the store: their credit there changed (a
 * grant, a confirmed purchase, a call's charge). */
export interface SupportCredit {
  type: "credit";
  seq: number;
  balance: Money;
  price_per_minute: Money;
}

/** `live_snapshot.support`: attached sessions at stores that offer support. */
export interface SessionSupport {
  price_per_minute: Money;
  balance: Money;
  plan?: CreditPlan | null;
  warned?: boolean;
  last_report?: SupportReport | null;
  complaints?: Complaint[];
}

export type SupportEvent = CreditPlan | CreditWarning | SupportReport | SupportCredit | ComplaintChanged;
