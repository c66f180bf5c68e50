"""The agents' workspace: each agent's Available/Away choice, and whether the store turned the
workspace on (docs/agents.md). Who is connected is not here: it is ephemeral (a roster)."""

from __future__ import annotations

from ..domain.desk import AgentState
from .sql import Plan, Row, Stmt, one


def _state(row: Row) -> AgentState:
    return AgentState(
        row["id"], row["name"], row["role"], row["status"], row["chat_cap"], row["open_chats"]
    )


def workspace(store_id: str) -> Plan[bool]:
    """Off until the owner turns it on (Page settings)."""
    row = one((yield Stmt("SELECT workspace FROM live_settings WHERE store_id = ?", (store_id,))))
    return row is not None and bool(row["workspace"])


def state(store_id: str) -> Plan[tuple[bool, list[AgentState]]]:
    """Whether the workspace is on, and the store's current agents."""
    on = yield from workspace(store_id)
    rows = yield Stmt(
        "SELECT id, name, role, status, chat_cap, open_chats FROM agents WHERE store_id = ? "
        "AND removed_at IS NULL ORDER BY name, id",
        (store_id,),
    )
    return on, [_state(r) for r in rows]


def set_status(store_id: str, agent_id: str, status: str) -> Plan[AgentState | None]:
    """None when the agent is no longer one of the store's."""
    rows = yield Stmt(
        "UPDATE agents SET status = ? WHERE id = ? AND store_id = ? AND removed_at IS NULL "
        "RETURNING id, name, role, status, chat_cap, open_chats",
        (status, agent_id, store_id),
    )
    row = one(rows)
    return _state(row) if row else None
