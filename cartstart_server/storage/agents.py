"""A store's agents, their console sign-ins (agent tokens) and invitations (docs/agents.md)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import agents as rules
from .sql import Plan, Row, Stmt, one


@dataclass(frozen=True)
class AgentRow:
    id: str
    store_id: str
    email: str
    name: str
    role: str
    password_hash: str | None
    created_at: float
    removed_at: float | None
    support: int = 0  # takes support calls (docs/agents.md "Support calls")
    chat_cap: int = 3  # conversations held at once (docs/agents.md "The chat cap")

    @classmethod
    def of(cls, row: Row) -> AgentRow:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class AgentTokenRow:
    """An agent token, with what the check needs of its agent."""

    id: str
    agent_id: str
    store_id: str
    secret_hash: str
    expires_at: float
    revoked_at: float | None
    role: str
    removed_at: float | None


def create_agent(agent: AgentRow) -> Plan[None]:
    """One insert that the unique index `agents_email` decides: of two adds of the same email
    at the same instant, the second waits for the first's commit and inserts nothing (a
    SELECT first would let both pass, and the loser would hit the index as a 500)."""
    rows = yield Stmt(
        "INSERT INTO agents (id, store_id, email, name, role, password_hash, created_at, "
        "removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (
            agent.id,
            agent.store_id,
            agent.email,
            agent.name,
            agent.role,
            agent.password_hash,
            agent.created_at,
            agent.removed_at,
        ),
    )
    if not rows:
        raise rules.email_taken()


def agent_by_email(store_id: str, email: str) -> Plan[AgentRow | None]:
    row = one(
        (
            yield Stmt(
                "SELECT * FROM agents WHERE store_id = ? AND email = ? AND removed_at IS NULL",
                (store_id, email),
            )
        )
    )
    return AgentRow.of(row) if row else None


def get_agent(store_id: str, agent_id: str) -> Plan[AgentRow]:
    row = one(
        (
            yield Stmt(
                "SELECT * FROM agents WHERE id = ? AND store_id = ? AND removed_at IS NULL",
                (agent_id, store_id),
            )
        )
    )
    if row is None:
        raise rules.unknown_agent(agent_id)
    return AgentRow.of(row)


def list_agents(store_id: str) -> Plan[list[AgentRow]]:
    rows = yield Stmt(
        "SELECT * FROM agents WHERE store_id = ? AND removed_at IS NULL ORDER BY created_at, id",
        (store_id,),
    )
    return [AgentRow.of(r) for r in rows]


def _revoke_tokens(agent_id: str, now: float) -> Plan[list[str]]:
    rows = yield Stmt(
        "UPDATE agent_tokens SET revoked_at = ? WHERE agent_id = ? AND revoked_at IS NULL "
        "RETURNING id",
        (now, agent_id),
    )
    return [r["id"] for r in rows]


def _keep_an_owner(store_id: str, agent_id: str) -> Plan[None]:
    """Refuse when `agent_id` is the store's last owner. The store's row is written first: it
    locks the store until the commit (PostgreSQL; SQLite has one writer), so two owners
    demoting each other at once cannot both pass."""
    yield Stmt("UPDATE stores SET id = id WHERE id = ?", (store_id,))
    rows = yield Stmt(
        "SELECT id FROM agents WHERE store_id = ? AND role = 'owner' AND removed_at IS NULL",
        (store_id,),
    )
    owners = {r["id"] for r in rows}
    if owners == {agent_id}:
        raise rules.last_owner()


def set_role(
    store_id: str, agent_id: str, role: str, now: float
) -> Plan[tuple[AgentRow, list[str]]]:
    """The agent with its new role, and its sign-ins that were ended (a role change signs the
    agent out everywhere, so no open console keeps powers it lost)."""
    agent = yield from get_agent(store_id, agent_id)
    if agent.role == role:
        return agent, []
    if agent.role == "owner":
        yield from _keep_an_owner(store_id, agent_id)
    yield Stmt("UPDATE agents SET role = ? WHERE id = ?", (role, agent_id))
    gone = yield from _revoke_tokens(agent_id, now)
    return AgentRow(**{**agent.__dict__, "role": role}), gone


def remove_agent(store_id: str, agent_id: str, now: float) -> Plan[list[str]]:
    """Remove (keep the row, blank the email) and end every sign-in: their ids."""
    agent = yield from get_agent(store_id, agent_id)
    if agent.role == "owner":
        yield from _keep_an_owner(store_id, agent_id)
    yield Stmt(
        "UPDATE agents SET removed_at = ?, email = '', password_hash = NULL WHERE id = ?",
        (now, agent_id),
    )
    yield Stmt(
        "UPDATE agent_invites SET used_at = ? WHERE agent_id = ? AND used_at IS NULL",
        (now, agent_id),
    )
    return (yield from _revoke_tokens(agent_id, now))


def create_agent_token(
    token_id: str, agent: AgentRow, secret_hash: str, label: str, now: float, expires_at: float
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO agent_tokens (id, agent_id, store_id, secret_hash, label, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (token_id, agent.id, agent.store_id, secret_hash, label, now, expires_at),
    )


def get_agent_token(token_id: str) -> Plan[AgentTokenRow | None]:
    row = one(
        (
            yield Stmt(
                "SELECT t.id, t.agent_id, t.store_id, t.secret_hash, t.expires_at, t.revoked_at, "
                "a.role, a.removed_at FROM agent_tokens t JOIN agents a ON a.id = t.agent_id "
                "WHERE t.id = ?",
                (token_id,),
            )
        )
    )
    return AgentTokenRow(**{k: row[k] for k in AgentTokenRow.__dataclass_fields__}) if row else None


def revoke_agent_token(token_id: str, now: float) -> Plan[None]:
    yield Stmt(
        "UPDATE agent_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (now, token_id),
    )


def create_invite(
    code_hash: str, agent_id: str, store_id: str, now: float, expires_at: float
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO agent_invites (code_hash, agent_id, store_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (code_hash, agent_id, store_id, now, expires_at),
    )


def invite_open(code_hash: str, now: float) -> Plan[bool]:
    """Whether the invitation can still be accepted (redeem_invite decides, atomically)."""
    rows = yield Stmt(
        "SELECT 1 FROM agent_invites WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
        (code_hash, now),
    )
    return bool(rows)


def redeem_invite(code_hash: str, password_hash: str, now: float) -> Plan[AgentRow]:
    """Use an invitation once: set the agent's password in the same transaction."""
    row = one(
        (
            yield Stmt(
                "UPDATE agent_invites SET used_at = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND expires_at > ? RETURNING agent_id, store_id",
                (now, code_hash, now),
            )
        )
    )
    if row is None:
        raise rules.unknown_invite()
    agent = yield from get_agent(row["store_id"], row["agent_id"])
    yield Stmt("UPDATE agents SET password_hash = ? WHERE id = ?", (password_hash, agent.id))
    return AgentRow(**{**agent.__dict__, "password_hash": password_hash})
