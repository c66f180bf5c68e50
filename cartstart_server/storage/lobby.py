"""Lists of live sessions: the store's lobby, and the sessions attached to a shopper's cart, with
what each side has not read."""

from __future__ import annotations

from shared_protocol.live import SessionSummary, Side

from ..domain import selling as rules
from .directory import StoreRow, require_store
from .selling import SessionRow
from .sql import Plan, Row, Stmt


def lobby(store_id: str, limit: int = 200) -> Plan[list[SessionSummary]]:
    """The store's sessions, newest activity first, with what it has not read."""
    store = yield from require_store(store_id)
    rows = yield Stmt(
        "SELECT s.*, (SELECT COUNT(*) FROM live_messages m WHERE m.session_id = s.id "
        "AND m.author = 'visitor' AND m.seq > s.store_read) AS unread, "
        "(SELECT body FROM live_messages m WHERE m.session_id = s.id "
        "ORDER BY m.seq DESC LIMIT 1) AS last_message, "
        "(SELECT COUNT(*) FROM live_calls c WHERE c.session_id = s.id AND c.state = 'ringing' "
        "AND c.started_by = 'visitor') AS calling, " + _TAKEN + " "
        "FROM live_sessions s WHERE s.store_id = ? ORDER BY s.last_activity_at DESC LIMIT ?",
        (store_id, limit),
    )
    return [summary(SessionRow.of(r), store, r) for r in rows]


# Who took the session, and whether a call of it runs (for `s`, the session's row).
_TAKEN = (
    "(SELECT name FROM agents a WHERE a.id = s.agent_id) AS agent_name, "
    "(SELECT COUNT(*) FROM live_calls c WHERE c.session_id = s.id AND c.state = 'active') "
    "AS in_call"
)


def summary(s: SessionRow, store: StoreRow, counts: Row) -> SessionSummary:
    return SessionSummary(
        **s.info(store).model_dump(),
        unread=int(counts["unread"] or 0),
        last_message=rules.preview(counts["last_message"] or ""),
        calling=bool(counts["calling"]),
        visitor_id=s.visitor_id,
        agent_id=s.agent_id,
        agent_name=counts.get("agent_name") if s.agent_id else None,
        in_call=bool(counts.get("in_call")),
    )


def one_summary(s: SessionRow, side: Side) -> Plan[SessionSummary]:
    """One session as `side` lists it: what the other side wrote that `side` has not read."""
    store = yield from require_store(s.store_id)
    author = rules.other(side)
    read = s.store_read if side == "store" else s.visitor_read
    rows = yield Stmt(
        "SELECT (SELECT COUNT(*) FROM live_messages WHERE session_id = ? AND author = ? "
        "AND seq > ?) AS unread, (SELECT body FROM live_messages WHERE session_id = ? "
        "ORDER BY seq DESC LIMIT 1) AS last_message, (SELECT COUNT(*) FROM live_calls "
        "WHERE session_id = ? AND state = 'ringing' AND started_by = ?) AS calling, "
        + _TAKEN
        + " FROM live_sessions s WHERE s.id = ?",
        (s.id, author, read, s.id, s.id, author, s.id),
    )
    return summary(s, store, rows[0])


def attached_to(account_id: str) -> Plan[list[SessionRow]]:
    rows = yield Stmt(
        "SELECT * FROM live_sessions WHERE account_id = ? ORDER BY last_activity_at DESC",
        (account_id,),
    )
    return [SessionRow.of(r) for r in rows]
