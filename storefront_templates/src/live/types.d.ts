// The live channel's messages as the visitor's page reads them (shared_protocol/live.py is the
// authority; docs/protocol.schema.json has them all). Types only: nothing here reaches a bundle.
// Only the fields the page reads are listed.

import type { Money } from "../shared/protocol";

export type Side = "visitor" | "store";

export interface LiveStyle {
  accent: string;
  logo_url: string | null;
  greeting: string;
  counter: boolean;
  gallery: boolean;
  board: boolean;
}

export interface LiveProduct {
  product_id: string;
  name: string;
  code: string;
  price: Money;
  image_url: string | null;
  page_url: string | null;
  available: number;
}

export interface ChatLine {
  message_id: string;
  seq: number;
  author: Side;
  text: string;
  at: number;
}

export interface Presented {
  product: LiveProduct;
  at: number;
}

export interface Widget {
  widget_id: string;
  kind: "product" | "image" | "link" | "note";
  author: Side;
  public: boolean;
  approved: boolean;
  mine: boolean;
  product: LiveProduct | null;
  image_url: string | null;
  url: string | null;
  title: string;
  text: string;
  at: number;
}

export interface SessionInfo {
  session_id: string;
  store_id: string;
  store_name: string;
  label: string;
}

export interface Ticket {
  ticket_id: string;
  product_id: string;
  name: string;
  code: string;
  price: Money;
  image_url: string | null;
  qty: number;
  state: "held" | "purchased" | "released" | "expired" | "revoked";
  created_at: number;
  expires_at: number;
  version: number;
}

export interface OrderView {
  order_id: string;
  status: string;
  total: Money;
  lines: { ticket_id: string; name: string; qty: number }[];
}

export interface LiveSnapshot {
  type: "live_snapshot";
  id?: string | null;
  head_seq: number;
  session: SessionInfo;
  style: LiveStyle;
  messages: ChatLine[];
  counter: Presented[];
  board: Widget[];
  cart: Ticket[];
  read: Record<Side, number>;
  here: Record<Side, boolean>;
  lead: Side;
}

export interface PublicSnapshot {
  type: "public_snapshot";
  store_id: string;
  store_name: string;
  style: LiveStyle;
  board: Widget[];
}

export interface LiveWelcome {
  type: "welcome";
  role: "visitor" | "store" | "public" | "lobby";
  head_seq?: number | null;
  resumed?: boolean | null;
}

/** The session's durable events (each with its seq). */
export type LiveEvent =
  | { type: "said"; seq: number; message: ChatLine }
  | { type: "read_marked"; seq: number; side: Side; up_to: number }
  | { type: "presented"; seq: number; item: Presented }
  | { type: "session_cart"; seq: number; ticket: Ticket }
  | { type: "widget_posted"; seq: number; widget: Widget }
  | { type: "widget_removed"; seq: number; widget_id: string }
  | { type: "session_ordered"; seq: number; order: OrderView }
  | { type: "session_attached"; seq: number }
  | { type: "session_deleted"; seq: number; by: Side };

/** Ephemeral signals (no seq). */
export type LiveSignal =
  | { type: "presence"; visitor: boolean; store: boolean }
  | { type: "typing"; side: Side }
  | { type: "gallery"; lead: Side; product_id: string | null; query: string | null; following: boolean };

export interface LiveResult {
  type: "result";
  id: string;
  link?: string | null;
  message?: ChatLine | null;
  ticket?: Ticket | null;
  widget?: Widget | null;
  order?: OrderView | null;
}

export interface LiveError {
  type: "error";
  id?: string | null;
  code: string;
  message: string;
}

export interface SearchResults {
  type: "search_results";
  id?: string;
  query: string;
  items: LiveProduct[];
}

export type BoardChanged = { type: "board_changed"; widget: Widget | null; removed: string | null };

export type LiveMessage =
  | LiveSnapshot
  | PublicSnapshot
  | LiveEvent
  | LiveSignal
  | LiveResult
  | LiveError
  | SearchResults
  | BoardChanged;

/** GET /api/live/session/events */
export interface LivePoll {
  messages: LiveEvent[];
  head_seq: number;
  snapshot: LiveSnapshot | null;
}

/** A command in a session (say, take, post, ...): its own fields beside type and id. */
export interface LiveCommand {
  type: string;
  id: string;
  [field: string]: unknown;
}
