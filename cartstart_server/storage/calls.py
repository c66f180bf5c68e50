"""Calls of live sessions as plans. Every change is one conditional UPDATE on the call's state
(so two nodes, or a ring timer racing an answer, change a call once) and a `call` event in the
session's stream."""

from __future__ import annotations

from shared_protocol.calls import CallChanged, CallInfo, EndReason
from shared_protocol.live_views import Side

from ..domain import calls as rules
from . import selling
from .selling import SessionRow
from .sql import Effects, Plan, Row, Stmt, one


def info(row: Row) -> CallInfo:
    answered, ended = row["answered_at"], row["ended_at"]
    return CallInfo(
        call_id=row["id"],
        started_by=row["started_by"],
        state=row["state"],
        created_at=row["created_at"],
        answered_at=answered,
        ended_at=ended,
        end_reason=row["end_reason"],
        ended_by=row["ended_by"],
        duration=round(ended - answered, 3) if answered is not None and ended is not None else None,
    )


def current(session_id: str) -> Plan[Row | None]:
    """The session's call that rings or runs, if any."""
    return one(
        (
            yield Stmt(
                "SELECT * FROM live_calls WHERE session_id = ? AND state <> 'ended'",
                (session_id,),
            )
        )
    )


def store_busy(store_id: str, except_session: str | None = None) -> Plan[bool]:
    """Whether the store is in a running call (in another session than `except_session`)."""
    rows = yield Stmt(
        "SELECT session_id FROM live_calls WHERE store_id = ? AND state = 'active'", (store_id,)
    )
    return any(r["session_id"] != except_session for r in rows)


def call_of(s: SessionRow, call_id: str) -> Plan[Row]:
    row = one(
        (yield Stmt("SELECT * FROM live_calls WHERE id = ? AND session_id = ?", (call_id, s.id)))
    )
    if row is None:
        raise rules.no_call(call_id)
    return row


def _told(fx: Effects, row: Row, now: float) -> Plan[CallInfo]:
    view = info(row)
    yield from selling.append(
        fx, row["session_id"], lambda seq: CallChanged(seq=seq, call=view), now
    )
    return view


def start(
    fx: Effects, s: SessionRow, by: Side, call_id: str, now: float, agent_id: str | None = None
) -> Plan[CallInfo]:
    """The visitor asks or the store rings (`agent_id`: the agent who rang, recorded as the one
    who took the call). A visitor asking a busy store gets a call that ends at once as `busy`
    (recorded, so both sides see it)."""
    if (yield from current(s.id)) is not None:
        raise rules.already_in_call()
    busy = yield from store_busy(s.store_id)
    if busy and by == "store":
        raise rules.store_busy()
    state, reason, ended = ("ended", "busy", now) if busy else ("ringing", None, None)
    row = one(
        (
            yield Stmt(
                "INSERT INTO live_calls (id, session_id, store_id, started_by, state, created_at, "
                "ended_at, end_reason, agent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (call_id, s.id, s.store_id, by, state, now, ended, reason, taker(by, agent_id)),
            )
        )
    )
    assert row is not None
    return (yield from _told(fx, row, now))


def taker(by: Side, agent_id: str | None) -> str | None:
    """The agent recorded on a call: the store side's, never anything a visitor sends."""
    return agent_id if by == "store" else None


def answer(
    fx: Effects,
    s: SessionRow,
    by: Side,
    call_id: str,
    accept: bool,
    now: float,
    agent_id: str | None = None,
) -> Plan[CallInfo]:
    """Accept or decline a ring; the store accepting records its agent (`agent_id`) as the one
    who took the call."""
    row = yield from call_of(s, call_id)
    if row["started_by"] == by:
        raise rules.not_yours_to_answer(row["started_by"])
    if accept and (yield from store_busy(s.store_id, except_session=s.id)):
        accept = False  # the store took another call meanwhile
        reason: EndReason = "busy"
    else:
        reason = "declined"
    changed = one(
        (
            yield Stmt(
                "UPDATE live_calls SET state = 'active', answered_at = ?, "
                "agent_id = COALESCE(?, agent_id) WHERE id = ? AND state = 'ringing' RETURNING *"
                if accept
                else "UPDATE live_calls SET state = 'ended', ended_at = ?, end_reason = ?, "
                "ended_by = ? WHERE id = ? AND state = 'ringing' RETURNING *",
                (now, taker(by, agent_id), call_id) if accept else (now, reason, by, call_id),
            )
        )
    )
    if changed is None:
        raise rules.call_over(call_id)
    return (yield from _told(fx, changed, now))


def end(
    fx: Effects,
    s: SessionRow,
    by: Side | None,
    call_id: str,
    reason: EndReason,
    now: float,
) -> Plan[CallInfo | None]:
    """End a ringing or running call (None if it had ended already: two sides hanging up at
    once end it once)."""
    yield from call_of(s, call_id)
    changed = one(
        (
            yield Stmt(
                "UPDATE live_calls SET state = 'ended', ended_at = ?, end_reason = ?, "
                "ended_by = ? WHERE id = ? AND state <> 'ended' RETURNING *",
                (now, reason, by, call_id),
            )
        )
    )
    if changed is None:
        return None
    return (yield from _told(fx, changed, now))


def ring_out(fx: Effects, call_id: str, now: float, ring_seconds: float) -> Plan[CallInfo | None]:
    """A ring nobody answered in time ends, once."""
    changed = one(
        (
            yield Stmt(
                "UPDATE live_calls SET state = 'ended', ended_at = ?, end_reason = 'unanswered' "
                "WHERE id = ? AND state = 'ringing' AND created_at <= ? RETURNING *",
                (now, call_id, now - ring_seconds),
            )
        )
    )
    if changed is None:
        return None
    return (yield from _told(fx, changed, now))
