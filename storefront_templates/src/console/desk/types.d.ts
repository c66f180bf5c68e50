// The desk channel's messages as the console uses them (shared_protocol/desk.py).

export interface DeskAgent {
  agent_id: string;
  name: string;
  role: "owner" | "agent";
  status: "available" | "away";
  connected: boolean;
  available: boolean;
  chat_cap?: number;
  open_chats?: number;
}

export type SessionSummary = import("../../shared/live").SessionSummary;

export interface Talk {
  type: "talk";
  store_id: string;
  enabled: boolean;
  available: boolean;
  version: number;
}

export interface VisitorView {
  visitor_id: string;
  url: string;
  title: string;
  site_since: number;
  page_since: number;
  status: "active" | "idle" | "offline";
  tz: string;
  lang: string;
  country: string | null;
  visits: number;
  page_views: number;
  cart_ref: string | null;
}

export interface VisitorChange {
  visitor_id: string;
  visitor: VisitorView | null;
  gone: boolean;
}

export interface VisitorDetails {
  type: "visitor_details";
  id: string;
  visitor_id: string;
  first_seen: number;
  last_seen: number;
  visits: number;
  page_views: number;
  history: { number: number; started: number; pages: { url: string; title: string; at: number; until: number | null }[] }[];
  visitor: VisitorView | null;
  cart_ref: string | null;
  holds: { ticket_id: string; product_id: string; cart_ref: string; qty: number; expires_at: number }[];
  now: number;
}

export type DeskMessage =
  | { type: "desk_snapshot"; id?: string | null; store_id: string; talk: Talk; agents: DeskAgent[]; visitors: VisitorView[]; conversations?: SessionSummary[]; now: number }
  | { type: "visitors_changed"; now: number; changes: VisitorChange[] }
  | VisitorDetails
  | { type: "agent_changed"; agent_id: string; agent: DeskAgent | null; gone: boolean }
  | Talk
  | { type: "result"; id: string; agent?: DeskAgent | null; session?: SessionSummary | null }
  | { type: "session_activity"; session?: SessionSummary | null; deleted?: string | null }
  | { type: "error"; id?: string | null; code: string; message: string };
