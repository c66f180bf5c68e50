// The hub's messages as the browser code reads them (docs/protocol.md; the authoritative schema is
// docs/protocol.schema.json). Types only: nothing here reaches the bundles. Clients ignore fields
// they do not know, so only the fields the browser code reads are listed.

export interface Discovery {
  protocol_versions: number[];
  http_url: string;
  ws_url: string;
  channels: { cart: string; page: string; store: string; live: string; desk: string };
}

export interface ProductRef {
  store_id: string;
  product_id: string;
}

export interface Welcome {
  type: "welcome";
  version: number;
  channel: string;
  linked?: boolean | null;
  store_id?: string | null;
}

export interface Availability extends ProductRef {
  available: number;
  version: number;
}

export interface Holding extends ProductRef {
  qty: number;
  /** The product has a form to fill in (docs/personalise.md): the widget offers "Personalise". */
  personalised?: boolean;
}

export interface CommandResult {
  type: "result";
  id: string;
  qty?: number;
}

export interface ErrorMessage {
  type: "error";
  id?: string | null;
  code: string;
  message: string;
}

/** Whether a store's pages offer "Talk to us" (/ws/page `talk`, GET /api/page/talk/{id}). */
export interface Talk {
  type: "talk";
  store_id: string;
  enabled: boolean;
  available: boolean;
  version: number;
}

/** Busy status of the page's products that have agents (/ws/page `talk_products`): `busy` while
 * every agent of the product is in a call, `busy_with` their names (text). Keep the highest
 * `version`. */
export interface TalkProducts {
  type: "talk_products";
  store_id: string;
  products: Record<string, "available" | "busy">;
  busy_with: Record<string, string[]>;
  version: number;
}

/** An agent writes first to this visitor (/ws/page `talk_offer`, docs/protocol.md §7). */
export interface TalkOffer {
  type: "talk_offer";
  store_id: string;
  visitor_id: string;
  session_id: string;
  link: string;
  agent_name: string;
  text: string;
  call: boolean;
}

/** /ws/page, hub to page, after `welcome`. */
export type PageMessage =
  | { type: "availability_snapshot"; items: Availability[] }
  | ({ type: "availability" } & Availability)
  | { type: "in_cart"; items: Holding[] }
  | Talk
  | TalkProducts
  | TalkOffer
  | { type: "forgotten"; id: string; store_id: string; visitor_id: string; had: boolean }
  | CommandResult
  | ErrorMessage;

/** POST /api/page/poll */
export interface PollAnswer {
  items: Availability[];
  in_cart: Holding[] | null;
}

export interface Money {
  amount: number;
  currency: string;
}

/** GET /api/store and GET /api/stores/{id} */
export interface StoreInfo {
  id: string;
  name: string;
}

export interface StoreTicket {
  product_id: string;
  cart_ref: string;
  qty: number;
}

export interface Order {
  order_id: string;
  status: string;
  customer: { name: string; email: string };
  lines: { qty: number; name: string; customisation?: import("./forms").CustomisedField[] }[];
  total: Money;
}

/** A marketplace request for this store (GET /api/stores/{id}/requests, docs/marketplace.md). */
export interface StoreRequest {
  id: string;
  solution_name: string;
  kind: "quote" | "order";
  status: "sent" | "answered" | "accepted" | "ordered" | "declined";
  lines: {
    line_id: string;
    product_id: string;
    name: string;
    code: string;
    qty: number;
    note: string;
    options: Record<string, string>;
    unit_price: Money & { text: string };
  }[];
  answer: { price: Money & { text: string }; valid_until: string; note: string } | null;
  order_id: string | null;
  contact: { name: string; email: string; company: string; phone: string; note: string };
  created_at: number;
}

/** /ws/store, hub to store, after `welcome` (the messages the console reads). */
export type StoreMessage =
  | { type: "ticket"; seq: number; change: string; ticket: StoreTicket }
  | { type: "order"; seq: number; change: string; order: Order }
  | { type: "request_received" | "request_updated"; seq: number; request: StoreRequest }
  | { type: "draft_changed"; seq: number; draft: import("./forms").DraftView }
  | { type: "snapshot" | "result"; seq?: undefined }
  | (ErrorMessage & { seq?: undefined });
