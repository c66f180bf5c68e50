// What the visitor's page reads from /ws/live: the shared types (src/shared/live.d.ts) and the
// page's own unions. Types only: nothing here reaches a bundle.

import type {
  BoardChanged,
  LiveAvailability,
  LiveError,
  LiveEvent,
  LiveOrder,
  LiveResult,
  LiveSignal,
  LiveSnapshot,
  LiveTicket,
  PublicSnapshot,
  SearchResults,
} from "../shared/live";

export type * from "../shared/live";
export type Ticket = LiveTicket;
export type OrderView = LiveOrder;

export type LiveMessage =
  | LiveSnapshot
  | PublicSnapshot
  | LiveEvent
  | LiveSignal
  | LiveResult
  | LiveError
  | SearchResults
  | BoardChanged
  | LiveAvailability;

/** A command in a session (say, take, post, ...): its own fields beside type and id. */
export interface LiveCommand {
  type: string;
  id: string;
  [field: string]: unknown;
}
