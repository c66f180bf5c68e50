// The live channel's messages (/ws/live) as the browser code reads them: the visitor's page
// (src/live/) and the console's live area (src/console/live/). shared_protocol/live.py is the
// authority; docs/protocol.schema.json has every field. Types only: nothing here reaches a bundle.

import type { Money } from "./protocol";
import type { SessionSupport, SupportEvent } from "./support";

export type * from "./support";

export type Side = "visitor" | "store";

export interface LiveStyle {
  accent: string;
  logo_url: string | null;
  greeting: string;
  counter: boolean;
  gallery: boolean;
  board: boolean;
}

export interface LiveSettings {
  store_id: string;
  store_name: string;
  enabled: boolean;
  workspace: boolean;
  /** The store's average rating shows on its page. */
  show_rating?: boolean;
  style: LiveStyle;
  page_url: string;
}

export interface LiveProduct {
  product_id: string;
  name: string;
  code: string;
  price: Money;
  image_url: string | null;
  page_url: string | null;
  tags: string[];
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
  created_at: number;
  last_activity_at: number;
  attached: boolean;
  /** Started from the store's own page (the talk panel): that page's address. */
  page_url?: string | null;
}

export interface SessionSummary extends SessionInfo {
  unread: number;
  last_message: string;
  calling: boolean;
  /** A conversation from the store's pages: the visitor's id there. */
  visitor_id?: string | null;
  /** The agent who took it (null: free for any agent). */
  agent_id?: string | null;
  agent_name?: string | null;
  in_call?: boolean;
}

export interface LiveTicket {
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

export interface LiveOrder {
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
  cart: LiveTicket[];
  orders: LiveOrder[];
  read: Record<Side, number>;
  here: Record<Side, boolean>;
  lead: Side;
  /** The session's call now (ringing or active). */
  call?: CallInfo | null;
  /** The store is in a call (this one or another). */
  seller_busy?: boolean;
  /** The session's latest answered call that has ended, and its rating once rated. */
  last_call?: CallInfo | null;
  last_rating?: CallRating | null;
  /** The shopper's support credit, plan, report and complaints (attached sessions only). */
  support?: SessionSupport | null;
}

/** A call's rating (shared_protocol/ratings.py); the agent fields only in the store's list. */
export interface CallRating {
  call_id: string;
  stars: number;
  comment: string;
  at: number;
  session_id?: string | null;
  agent_id?: string | null;
  agent_name?: string | null;
  /** the connection's stars (support calls), 1-5 */
  connection?: number | null;
}

/** An average: null when nothing was rated yet. */
export interface RatingSummary {
  average: number | null;
  count: number;
}

export interface AgentRating extends RatingSummary {
  agent_id: string;
  name: string;
}

/** GET /api/stores/{id}/ratings */
export interface Ratings {
  store: RatingSummary;
  agents: AgentRating[];
  recent: CallRating[];
}

/** A call of the session (shared_protocol/calls.py). */
export type CallState = "ringing" | "active" | "ended";
export type EndReason = "declined" | "unanswered" | "busy" | "hung_up" | "connection_lost" | "peer_gone" | "credit_exhausted" | "interrupted";
export interface CallInfo {
  call_id: string;
  started_by: Side;
  state: CallState;
  created_at: number;
  answered_at?: number | null;
  ended_at?: number | null;
  end_reason?: EndReason | null;
  ended_by?: Side | null;
  duration?: number | null;
  /** a paid support call (docs/agents.md "Support calls with prepaid credit") */
  support?: boolean;
}
export interface SessionDescriptionInit {
  type: "offer" | "answer";
  sdp: string;
}
export interface CandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}
/** The other side's signalling, relayed. */
export interface RtcRelayed {
  type: "rtc";
  call_id: string;
  side: Side;
  description?: SessionDescriptionInit | null;
  candidate?: CandidateInit | null;
  /** the ring's preview connection (shared/preview.js), not the call's */
  preview?: boolean;
}
export interface PeerMedia {
  type: "media";
  call_id: string;
  side: Side;
  camera: boolean;
  microphone: boolean;
}
export interface SellerBusy {
  type: "seller_busy";
  busy: boolean;
}
export interface IceServers {
  ice_servers: { urls: string[]; username?: string | null; credential?: string | null }[];
  expires_at: number;
}

export interface PublicSnapshot {
  type: "public_snapshot";
  store_id: string;
  store_name: string;
  style: LiveStyle;
  board: Widget[];
  /** The store's average, when its owner shows it. */
  rating?: RatingSummary | null;
}

export interface Lobby {
  type: "lobby";
  sessions: SessionSummary[];
  waiting: Widget[];
}

export interface GalleryState {
  type: "gallery";
  lead: Side;
  product_id: string | null;
  query: string | null;
  following: boolean;
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
  | { type: "session_cart"; seq: number; ticket: LiveTicket }
  | { type: "widget_posted"; seq: number; widget: Widget }
  | { type: "widget_removed"; seq: number; widget_id: string }
  | { type: "session_ordered"; seq: number; order: LiveOrder }
  | { type: "session_attached"; seq: number }
  | { type: "session_deleted"; seq: number; by: Side }
  | { type: "call"; seq: number; call: CallInfo }
  | { type: "rated"; seq: number; rating: CallRating }
  | { type: "navigated"; seq: number; url: string; by: Side }
  | SupportEvent;

/** Ephemeral signals (no seq). */
export type LiveSignal =
  | { type: "presence"; visitor: boolean; store: boolean }
  | { type: "typing"; side: Side }
  | GalleryState
  | RtcRelayed
  | PeerMedia
  | SellerBusy;

export interface LiveResult {
  type: "result";
  id: string;
  link?: string | null;
  session?: SessionInfo | null;
  message?: ChatLine | null;
  presented?: Presented | null;
  ticket?: LiveTicket | null;
  widget?: Widget | null;
  order?: LiveOrder | null;
  call?: CallInfo | null;
  rating?: CallRating | null;
  /** navigate: the address the visitor's page is sent to. */
  url?: string | null;
}

export interface SearchResults {
  type: "search_results";
  id?: string;
  query: string;
  items: LiveProduct[];
}

export interface LiveError {
  type: "error";
  id?: string | null;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type BoardChanged = { type: "board_changed"; widget?: Widget | null; removed?: string | null };

export type SessionActivity = {
  type: "session_activity";
  session?: SessionSummary | null;
  deleted?: string | null;
};

/** A product's count now (sent for the products a page `watch`es); keep the highest version. */
export interface LiveAvailability {
  type: "availability";
  store_id: string;
  product_id: string;
  available: number;
  version: number;
}

/** GET .../events: the session's stream over HTTP. */
export interface LivePoll {
  messages: LiveEvent[];
  head_seq: number;
  snapshot: LiveSnapshot | null;
}
