"""Taking and giving back conversations as plans (domain/claims.py). Each change is conditional
UPDATEs in one transaction, so two agents (on two nodes) taking one visitor at once, or one
agent taking more than their cap in parallel, are decided by the database on either engine:

- the cap: `UPDATE agents SET open_chats = open_chats + 1 WHERE ... AND open_chats < chat_cap`
  (PostgreSQL re-checks the condition on the row it waited for; SQLite writes one at a time);
- the session: `UPDATE live_sessions SET agent_id = ? WHERE ... AND agent_id IS NULL`.

A refusal raises, which rolls the whole plan back (the cap's increment included)."""

from __future__ import annotations

from ..domain import claims as rules
from .selling import SessionRow
from .sql import Plan, Row, Stmt, one


def agent_name(agent_id: str) -> Plan[str]:
    row = one((yield Stmt("SELECT name FROM agents WHERE id = ?", (agent_id,))))
    return str(row["name"]) if row else ""


def _taken(agent_id: str) -> Plan[None]:
    raise rules.taken_by((yield from agent_name(agent_id)), agent_id)


def _count_in(agent_id: str, store_id: str) -> Plan[None]:
    """One more open chat for the agent, within their cap (or `at_capacity`)."""
    row = one(
        (
            yield Stmt(
                "UPDATE agents SET open_chats = open_chats + 1 WHERE id = ? AND store_id = ? "
                "AND open_chats < chat_cap RETURNING open_chats",
                (agent_id, store_id),
            )
        )
    )
    if row is None:
        cap = one((yield Stmt("SELECT chat_cap, open_chats FROM agents WHERE id = ?", (agent_id,))))
        assert cap is not None
        raise rules.at_capacity(int(cap["chat_cap"]), int(cap["open_chats"]))


def count_out(agent_id: str) -> Plan[None]:
    yield Stmt(
        "UPDATE agents SET open_chats = open_chats - 1 WHERE id = ? AND open_chats > 0",
        (agent_id,),
    )


def claim(s: SessionRow, agent_id: str, now: float, *, take_over: bool = False) -> Plan[SessionRow]:
    """The agent takes the session (already theirs: nothing changes). `take_over` (owners
    only, checked by the caller) takes it from the agent holding it."""
    if s.agent_id == agent_id:
        return s
    if s.agent_id is not None and not take_over:
        yield from _taken(s.agent_id)
    yield from _count_in(agent_id, s.store_id)
    previous = s.agent_id
    row: Row | None = one(
        (
            yield Stmt(
                "UPDATE live_sessions SET agent_id = ?, claimed_at = ? WHERE id = ? AND "
                + ("agent_id = ?" if previous is not None else "agent_id IS NULL")
                + " RETURNING *",
                (agent_id, now, s.id, previous) if previous is not None else (agent_id, now, s.id),
            )
        )
    )
    if row is None:  # someone took it meanwhile: who?
        now_row = one((yield Stmt("SELECT agent_id FROM live_sessions WHERE id = ?", (s.id,))))
        holder = now_row["agent_id"] if now_row else None
        if holder is None or holder == agent_id:
            raise rules.not_yours()  # given back or taken twice at once: look again
        yield from _taken(holder)
    assert row is not None
    if previous is not None:
        yield from count_out(previous)
    return SessionRow.of(row)


def release(s: SessionRow, agent_id: str) -> Plan[SessionRow]:
    """The holder (`agent_id`) gives the session back: free for any agent again."""
    row = one(
        (
            yield Stmt(
                "UPDATE live_sessions SET agent_id = NULL, claimed_at = NULL WHERE id = ? "
                "AND agent_id = ? RETURNING *",
                (s.id, agent_id),
            )
        )
    )
    if row is None:
        raise rules.not_yours()
    yield from count_out(agent_id)
    return SessionRow.of(row)


def release_all(store_id: str, agent_id: str) -> Plan[list[str]]:
    """Every conversation the agent holds goes back to the store's free ones (the agent is
    removed): the ids of those freed."""
    rows = yield Stmt(
        "UPDATE live_sessions SET agent_id = NULL, claimed_at = NULL WHERE store_id = ? "
        "AND agent_id = ? RETURNING id",
        (store_id, agent_id),
    )
    yield Stmt("UPDATE agents SET open_chats = 0 WHERE id = ?", (agent_id,))
    return [str(r["id"]) for r in rows]


def holder(session_id: str) -> Plan[tuple[str | None, str]]:
    """Who holds the session now (agent id or None) and their name."""
    row = one((yield Stmt("SELECT agent_id FROM live_sessions WHERE id = ?", (session_id,))))
    agent = row["agent_id"] if row else None
    return agent, ((yield from agent_name(agent)) if agent else "")


def set_cap(store_id: str, agent_id: str, cap: int) -> Plan[bool]:
    rows = yield Stmt(
        "UPDATE agents SET chat_cap = ? WHERE id = ? AND store_id = ? AND removed_at IS NULL "
        "RETURNING id",
        (cap, agent_id, store_id),
    )
    return bool(rows)
