"""Ratings of calls as plans: a visitor's rating (once per call, a `rated` event in the
session's stream), the store's and its agents' averages, the recent ratings, a session's last
call and its rating, and the owner's choice to show the store's average on its page."""

from __future__ import annotations

from shared_protocol.calls import CallInfo
from shared_protocol.ratings import AgentRating, CallRating, Rated, RatingSummary

from ..domain import calls as rules
from . import selling
from .calls import call_of, info
from .selling import SessionRow
from .sql import Effects, Plan, Row, Stmt, one

RECENT = 20  # ratings the console lists


def rate(
    fx: Effects,
    s: SessionRow,
    call_id: str,
    stars: int,
    comment: str,
    now: float,
    connection: int | None = None,
) -> Plan[CallRating]:
    """The visitor's rating of a call of their session: answered, ended, and not rated yet (the
    primary key decides "once" when two nodes race)."""
    call = yield from call_of(s, call_id)
    rules.check_ratable(call["state"], call["answered_at"])
    added = one(
        (
            yield Stmt(
                "INSERT INTO call_ratings (call_id, store_id, session_id, agent_id, stars, "
                "comment, at, connection) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (call_id) DO NOTHING RETURNING call_id",
                (call_id, s.store_id, s.id, call["agent_id"], stars, comment, now, connection),
            )
        )
    )
    if added is None:
        raise rules.already_rated()
    rating = CallRating(
        call_id=call_id, stars=stars, comment=comment, at=now, connection=connection
    )
    yield from selling.append(fx, s.id, lambda seq: Rated(seq=seq, rating=rating), now)
    return rating


def _average(total: int | None, count: int) -> float | None:
    return round(int(total or 0) / count, 2) if count else None


def summary(store_id: str) -> Plan[RatingSummary]:
    row = one(
        (
            yield Stmt(
                "SELECT SUM(stars) AS total, COUNT(*) AS n FROM call_ratings WHERE store_id = ?",
                (store_id,),
            )
        )
    )
    count = int(row["n"]) if row else 0
    return RatingSummary(average=_average(row["total"] if row else 0, count), count=count)


def per_agent(store_id: str, agent_id: str | None = None) -> Plan[list[AgentRating]]:
    """Each agent's average over the calls they took (calls taken with the key count only for
    the store); `agent_id`: that agent's line only."""
    only = " AND r.agent_id = ?" if agent_id else ""
    rows = yield Stmt(
        "SELECT r.agent_id, a.name, SUM(r.stars) AS total, COUNT(*) AS n FROM call_ratings r "
        "LEFT JOIN agents a ON a.id = r.agent_id WHERE r.store_id = ? AND r.agent_id IS NOT NULL"
        f"{only} GROUP BY r.agent_id, a.name ORDER BY a.name, r.agent_id",
        (store_id, agent_id) if agent_id else (store_id,),
    )
    return [
        AgentRating(
            agent_id=r["agent_id"],
            name=r["name"] or "",
            average=_average(r["total"], int(r["n"])),
            count=int(r["n"]),
        )
        for r in rows
    ]


def _rating(row: Row) -> CallRating:
    return CallRating(
        call_id=row["call_id"],
        stars=row["stars"],
        comment=row["comment"],
        at=row["at"],
        connection=row["connection"],
        session_id=row["session_id"],
        agent_id=row["agent_id"],
        agent_name=row["name"],
    )


def recent(
    store_id: str, agent_id: str | None = None, limit: int = RECENT
) -> Plan[list[CallRating]]:
    """The newest ratings first; `agent_id`: only the calls that agent took."""
    only = " AND r.agent_id = ?" if agent_id else ""
    rows = yield Stmt(
        "SELECT r.*, a.name FROM call_ratings r LEFT JOIN agents a ON a.id = r.agent_id "
        f"WHERE r.store_id = ?{only} ORDER BY r.at DESC, r.call_id LIMIT ?",
        (store_id, agent_id, limit) if agent_id else (store_id, limit),
    )
    return [_rating(r) for r in rows]


def last_of_session(session_id: str) -> Plan[tuple[CallInfo | None, CallRating | None]]:
    """The session's latest answered call that has ended, and its rating (as the session's
    stream tells it: no agent)."""
    call = one(
        (
            yield Stmt(
                "SELECT * FROM live_calls WHERE session_id = ? AND state = 'ended' AND "
                "answered_at IS NOT NULL ORDER BY ended_at DESC LIMIT 1",
                (session_id,),
            )
        )
    )
    if call is None:
        return None, None
    row = one((yield Stmt("SELECT * FROM call_ratings WHERE call_id = ?", (call["id"],))))
    rating = (
        CallRating(
            call_id=row["call_id"],
            stars=row["stars"],
            comment=row["comment"],
            at=row["at"],
            connection=row["connection"],
        )
        if row
        else None
    )
    return info(call), rating


# ---- the owner's choice --------------------------------------------------------------------


def shown(store_id: str) -> Plan[bool]:
    """Whether the store shows its average on its page (off until its owner says so)."""
    row = one((yield Stmt("SELECT show_rating FROM live_settings WHERE store_id = ?", (store_id,))))
    return bool(row["show_rating"]) if row else False


def set_shown(store_id: str, on: bool) -> Plan[None]:
    """After the settings' upsert (the row exists)."""
    yield Stmt("UPDATE live_settings SET show_rating = ? WHERE store_id = ?", (int(on), store_id))


def public_summary(store_id: str) -> Plan[RatingSummary | None]:
    """The store's average for its page, or None when its owner does not show it."""
    if not (yield from shown(store_id)):
        return None
    return (yield from summary(store_id))
