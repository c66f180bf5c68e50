"""Which products each agent handles (migration 18), and what the busy status is computed from
(services/busy.py): the handlers of a store's products and the agents in a running call."""

from __future__ import annotations

from collections.abc import Sequence

from shared_protocol import ErrorCode, ProtocolError

from .sql import Plan, Stmt

Handler = tuple[str, str, str]  # product id, agent id, agent name


def set_products(store_id: str, agent_id: str, product_ids: Sequence[str]) -> Plan[bool]:
    """Replace the agent's products; False when there is no such agent of the store. A product
    not in the store's catalogue is refused (422), and nothing changes."""
    agent = yield Stmt(
        "SELECT id FROM agents WHERE id = ? AND store_id = ? AND removed_at IS NULL",
        (agent_id, store_id),
    )
    if not agent:
        return False
    wanted = sorted(set(product_ids))
    if wanted:
        marks = ", ".join("?" for _ in wanted)
        known = yield Stmt(
            f"SELECT product_id FROM products WHERE store_id = ? AND product_id IN ({marks})",
            (store_id, *wanted),
        )
        missing = set(wanted) - {str(r["product_id"]) for r in known}
        if missing:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                "no such product in this store's catalogue",
                product_ids=sorted(missing),
            )
    yield Stmt(
        "DELETE FROM agent_products WHERE store_id = ? AND agent_id = ?", (store_id, agent_id)
    )
    for product_id in wanted:
        yield Stmt(
            "INSERT INTO agent_products (store_id, agent_id, product_id) VALUES (?, ?, ?)",
            (store_id, agent_id, product_id),
        )
    return True


def products_of(store_id: str, agent_id: str) -> Plan[list[str] | None]:
    """The agent's products, sorted; None when there is no such agent of the store."""
    agent = yield Stmt(
        "SELECT id FROM agents WHERE id = ? AND store_id = ? AND removed_at IS NULL",
        (agent_id, store_id),
    )
    if not agent:
        return None
    rows = yield Stmt(
        "SELECT product_id FROM agent_products WHERE store_id = ? AND agent_id = ? "
        "ORDER BY product_id",
        (store_id, agent_id),
    )
    return [str(r["product_id"]) for r in rows]


def handlers(store_id: str) -> Plan[tuple[list[Handler], set[str]]]:
    """The store's products with their current agents, and the agents in a running call."""
    rows = yield Stmt(
        "SELECT p.product_id, a.id, a.name FROM agent_products p JOIN agents a "
        "ON a.id = p.agent_id AND a.store_id = p.store_id AND a.removed_at IS NULL "
        "WHERE p.store_id = ? ORDER BY p.product_id, a.name, a.id",
        (store_id,),
    )
    calls = yield Stmt(
        "SELECT DISTINCT agent_id FROM live_calls WHERE store_id = ? AND state = 'active' "
        "AND agent_id IS NOT NULL",
        (store_id,),
    )
    found = [(str(r["product_id"]), str(r["id"]), str(r["name"])) for r in rows]
    return found, {str(r["agent_id"]) for r in calls}
