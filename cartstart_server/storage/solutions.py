"""Solutions, wishlists and what a registered buyer looks back on, as plans. The rules (limits,
words) are in domain/solutions.py; requests sent to firms are in solution_requests.py."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..domain import solutions as rules
from ..domain.solutions import Line
from .sql import Plan, Row, Stmt, one


def lines_json(lines: Sequence[Line]) -> str:
    return json.dumps([line.doc() for line in lines], ensure_ascii=False)


def create(
    solution_id: str,
    secret_hash: str,
    account_id: str | None,
    name: str,
    lines: Sequence[Line],
    now: float,
) -> Plan[Row]:
    row = one(
        (
            yield Stmt(
                "INSERT INTO solutions (id, secret_hash, account_id, name, lines, version, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING *",
                (solution_id, secret_hash, account_id, name, lines_json(lines), now, now),
            )
        )
    )
    assert row is not None
    return row


def get(solution_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM solutions WHERE id = ?", (solution_id,))))


def update(
    solution_id: str, name: str, lines: Sequence[Line], version: int, now: float
) -> Plan[Row]:
    """Replace name and lines if nobody changed them since `version` (else `stale_solution`)."""
    row = one(
        (
            yield Stmt(
                "UPDATE solutions SET name = ?, lines = ?, version = version + 1, updated_at = ? "
                "WHERE id = ? AND version = ? RETURNING *",
                (name, lines_json(lines), now, solution_id, version),
            )
        )
    )
    if row is None:
        current = yield from get(solution_id)
        if current is None:
            raise rules.no_solution()
        raise rules.stale(int(current["version"]))
    return row


def lock(solution_id: str) -> Plan[None]:
    """Sends of one solution one after another: a no-op write takes the row's lock (PostgreSQL;
    SQLite has one writer anyway), so a retry racing the first send with the same key waits, then
    finds its result instead of failing on the idempotency row."""
    yield Stmt("UPDATE solutions SET version = version WHERE id = ?", (solution_id,))


def claim(solution_id: str, account_id: str) -> Plan[None]:
    """A signed-in buyer who holds the link keeps the solution in their account too."""
    yield Stmt(
        "UPDATE solutions SET account_id = ? WHERE id = ? AND account_id IS NULL",
        (account_id, solution_id),
    )


def of_account(account_id: str) -> Plan[list[Row]]:
    return (
        yield Stmt(
            "SELECT * FROM solutions WHERE account_id = ? ORDER BY updated_at DESC, id",
            (account_id,),
        )
    )


def products(keys: Iterable[tuple[str, str]]) -> Plan[dict[tuple[str, str], Row]]:
    """The products named, by (store, product); unknown ones are simply missing. One statement
    per store (IN list): a solution has at most 200 lines."""
    wanted: dict[str, set[str]] = {}
    for store_id, product_id in keys:
        wanted.setdefault(store_id, set()).add(product_id)
    found: dict[tuple[str, str], Row] = {}
    for store_id, ids in wanted.items():
        marks = ", ".join("?" for _ in ids)
        rows = yield Stmt(
            f"SELECT * FROM products WHERE store_id = ? AND product_id IN ({marks})",
            (store_id, *sorted(ids)),
        )
        for r in rows:
            found[store_id, r["product_id"]] = r
    return found


def store_names(store_ids: Iterable[str]) -> Plan[dict[str, str]]:
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = yield Stmt(f"SELECT id, name FROM stores WHERE id IN ({marks})", tuple(ids))
    return {r["id"]: r["name"] for r in rows}


def account(account_id: str) -> Plan[Row | None]:
    """A signed-in buyer's email and name, which fill a request's contact when left out."""
    return one((yield Stmt("SELECT email, display_name FROM accounts WHERE id = ?", (account_id,))))


# ---- wishlists ---------------------------------------------------------------------------------


def wishlist(account_id: str) -> Plan[list[tuple[str, str]]]:
    rows = yield Stmt(
        "SELECT store_id, product_id FROM wishlists WHERE account_id = ? ORDER BY position",
        (account_id,),
    )
    return [(r["store_id"], r["product_id"]) for r in rows]


def set_wishlist(account_id: str, items: Sequence[tuple[str, str]]) -> Plan[None]:
    yield Stmt("DELETE FROM wishlists WHERE account_id = ?", (account_id,))
    for position, (store_id, product_id) in enumerate(items):
        yield Stmt(
            "INSERT INTO wishlists (account_id, store_id, product_id, position) "
            "VALUES (?, ?, ?, ?)",
            (account_id, store_id, product_id, position),
        )


# ---- calls with firms --------------------------------------------------------------------------


def calls_of(account_id: str, limit: int = 200) -> Plan[list[Row]]:
    """The account's calls in live sessions attached to it, newest first, with the rating."""
    return (
        yield Stmt(
            "SELECT c.id AS call_id, c.store_id, st.name AS store_name, c.created_at, "
            "c.answered_at, c.ended_at, r.stars, r.comment "
            "FROM live_calls c JOIN live_sessions s ON s.id = c.session_id "
            "JOIN stores st ON st.id = c.store_id "
            "LEFT JOIN call_ratings r ON r.call_id = c.id "
            "WHERE s.account_id = ? ORDER BY c.created_at DESC, c.id LIMIT ?",
            (account_id, limit),
        )
    )
