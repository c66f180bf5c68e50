// What the console's live area reads from /ws/live: the shared types (src/shared/live.d.ts) and
// its own unions. Types only: nothing here reaches the bundle.

import type {
  BoardChanged,
  LiveError,
  LiveEvent,
  LiveResult,
  LiveSignal,
  LiveSnapshot,
  Lobby,
  SearchResults,
  SessionActivity,
} from "../../shared/live";

export type * from "../../shared/live";

/** Every message a session connection receives after `welcome`. */
export type SessionMessage = LiveSnapshot | LiveResult | SearchResults | LiveError | LiveEvent | LiveSignal;

/** Every message the lobby connection receives after `welcome`. */
export type LobbyMessage = Lobby | LiveResult | SearchResults | LiveError | SessionActivity | BoardChanged;
