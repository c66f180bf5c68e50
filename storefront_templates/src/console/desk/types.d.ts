// The desk channel's messages as the console uses them (shared_protocol/desk.py).

export interface DeskAgent {
  agent_id: string;
  name: string;
  role: "owner" | "agent";
  status: "available" | "away";
  connected: boolean;
  available: boolean;
}

export interface Talk {
  type: "talk";
  store_id: string;
  enabled: boolean;
  available: boolean;
  version: number;
}

export type DeskMessage =
  | { type: "desk_snapshot"; id?: string | null; store_id: string; talk: Talk; agents: DeskAgent[] }
  | { type: "agent_changed"; agent_id: string; agent: DeskAgent | null; gone: boolean }
  | Talk
  | { type: "result"; id: string; agent: DeskAgent }
  | { type: "error"; id?: string | null; code: string; message: string };
