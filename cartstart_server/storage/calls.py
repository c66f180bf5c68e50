"""Calls of live sessions as plans. Every change is one conditional UPDATE on the call's state
(so two nodes, or a ring timer racing an answer, change a call once) and a `call` event in the
session's stream."""

from __future__ import annotations

from shared_protocol.calls import CallChanged, CallInfo, EndReason
from shared_protocol.live_views import Side

from ..domain import calls as rules
from . import credit, selling
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
        support=bool(row.get("support")),
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
    """Whether the store as one person (its key: calls with no agent) is in a running call (in
    another session than `except_session`). Agents are busy one by one (`agent_busy`)."""
    rows = yield Stmt(
        "SELECT session_id FROM live_calls WHERE store_id = ? AND state = 'active' "
        "AND agent_id IS NULL",
        (store_id,),
    )
    return any(r["session_id"] != except_session for r in rows)


def agent_busy(agent_id: str, except_call: str | None = None) -> Plan[bool]:
    """Whether the agent rings or talks in a call (one call per agent). The agent's row is
    locked first, so two calls of theirs starting at once on two nodes are decided one after
    the other (a no-op on SQLite, where writes are serial); the unique index
    `live_calls_agent_one` backs it."""
    yield Stmt("UPDATE agents SET open_chats = open_chats WHERE id = ?", (agent_id,))
    rows = yield Stmt(
        "SELECT id FROM live_calls WHERE agent_id = ? AND state <> 'ended'", (agent_id,)
    )
    return any(r["id"] != except_call for r in rows)


def _busy_for(s: SessionRow, by: Side, agent_id: str | None) -> Plan[bool]:
    """Busy for a new call of this session: the agent ringing, the agent holding the session
    (a visitor asking), or the store's key."""
    agent = agent_id if by == "store" else s.agent_id
    if agent is not None:
        return (yield from agent_busy(agent))
    return (yield from store_busy(s.store_id))


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
    fx: Effects,
    s: SessionRow,
    by: Side,
    call_id: str,
    now: float,
    agent_id: str | None = None,
    support: bool = False,
) -> Plan[CallInfo]:
    """The visitor asks or the store rings (`agent_id`: the agent who rang, recorded as the one
    who took the call). A visitor asking a busy store gets a call that ends at once as `busy`
    (recorded, so both sides see it). A support call is asked by a signed-in shopper with
    credit (storage/credit.py)."""
    if (yield from current(s.id)) is not None:
        raise rules.already_in_call()
    price = None
    if support:
        price = yield from credit.check_start(s.store_id, s.account_id)
    busy = yield from _busy_for(s, by, agent_id)
    if busy and by == "store":
        raise rules.store_busy()
    state, reason, ended = ("ended", "busy", now) if busy else ("ringing", None, None)
    row = one(
        (
            yield Stmt(
                "INSERT INTO live_calls (id, session_id, store_id, started_by, state, created_at, "
                "ended_at, end_reason, agent_id, support, account_id, price_amount) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *",
                (
                    call_id,
                    s.id,
                    s.store_id,
                    by,
                    state,
                    now,
                    ended,
                    reason,
                    taker(by, agent_id),
                    int(support),
                    s.account_id if support else None,
                    price,
                ),
            )
        )
    )
    if row is None:  # live_calls_agent_one: the agent's other call won
        raise rules.store_busy()
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
    if accept and row["support"] and row["state"] == "ringing":
        yield from credit.check_taker(s.store_id, agent_id)
    reason: EndReason = "declined"
    taking = taker(by, agent_id)
    if accept and row["state"] == "ringing" and taking is not None:
        if (yield from agent_busy(taking, except_call=call_id)):
            raise rules.store_busy()  # one call per agent: the call rings on for another
    elif accept and (yield from store_busy(s.store_id, except_session=s.id)):
        accept = False  # the store took another call meanwhile
        reason = "busy"
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
    if accept and changed["support"]:
        changed = yield from credit.planned(fx, changed, now)
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
    return (yield from _ended(fx, changed, now))


def _ended(fx: Effects, row: Row, now: float) -> Plan[CallInfo]:
    """Tell both sides, then charge a support call (in the same transaction: the end, its one
    credit entry, the balance, the report email and event are one plan)."""
    view = yield from _told(fx, row, now)
    yield from credit.settle(fx, row, now)
    return view


def exhaust(fx: Effects, call_id: str, now: float) -> Plan[CallInfo | None]:
    """A support call's credit ran out: it ends at its planned end (never later, so it never
    costs more than the balance), once."""
    row = one((yield Stmt("SELECT * FROM live_calls WHERE id = ?", (call_id,))))
    if row is None or row["state"] != "active" or not row["support"]:
        return None
    _, ends_at = credit.plan_of(row)
    if now < ends_at:
        return None
    changed = one(
        (
            yield Stmt(
                "UPDATE live_calls SET state = 'ended', ended_at = ?, "
                "end_reason = 'credit_exhausted' WHERE id = ? AND state = 'active' RETURNING *",
                (ends_at, call_id),
            )
        )
    )
    return None if changed is None else (yield from _ended(fx, changed, now))


def end_orphan(fx: Effects, call_id: str, now: float, before: float) -> Plan[CallInfo | None]:
    """A support call whose node stopped ticking (a crash): end it at its last tick and charge
    up to there. The condition on `tick_at` makes one node (of several sweeping) do it."""
    changed = one(
        (
            yield Stmt(
                "UPDATE live_calls SET state = 'ended', ended_at = tick_at, "
                "end_reason = 'interrupted' WHERE id = ? AND state = 'active' AND support = 1 "
                "AND tick_at < ? RETURNING *",
                (call_id, before),
            )
        )
    )
    return None if changed is None else (yield from _ended(fx, changed, now))


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
