"""The marketplace's reads and writes: the tree, exchange rates, the change counter the search
index follows, and products as the index sees them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..domain import market_tree
from ..domain.market_money import Rates
from ..domain.market_tree import Node
from .sql import Plan, Row, Stmt, one

# What the index needs of a product (and its store's name), in one statement.
_PRODUCT = (
    "SELECT p.store_id, p.product_id, p.name, p.code, p.price_amount, p.currency, p.image_url, "
    "p.page_url, p.tags, p.active, p.listed, p.on_hand, p.category, p.market_seq, "
    "s.name AS store_name FROM products p JOIN stores s ON s.id = p.store_id"
)


def bump() -> Plan[int]:
    """Take the change counter (first in a transaction: it orders the writers) and return the
    stamp for the products this transaction changes."""
    row = one((yield Stmt("UPDATE market_state SET seq = seq + 1 WHERE id = 1 RETURNING seq")))
    assert row is not None, "migrations insert the one market_state row"
    return int(row["seq"])


def stamp(store_id: str, product_ids: Iterable[str], seq: int) -> Plan[None]:
    for product_id in product_ids:
        yield Stmt(
            "UPDATE products SET market_seq = ? WHERE store_id = ? AND product_id = ?",
            (seq, store_id, product_id),
        )


def state() -> Plan[Row]:
    row = one((yield Stmt("SELECT seq, tree_version, rates_version FROM market_state")))
    assert row is not None
    return row


def changed_products(after: int, upto: int) -> Plan[list[Row]]:
    return (
        yield Stmt(
            f"{_PRODUCT} WHERE p.market_seq > ? AND p.market_seq <= ? ORDER BY p.market_seq",
            (after, upto),
        )
    )


def all_products() -> Plan[list[Row]]:
    return (yield Stmt(f"{_PRODUCT} WHERE p.listed = 1 AND p.active = 1"))


def product(store_id: str, product_id: str) -> Plan[Row | None]:
    return one(
        (
            yield Stmt(
                f"{_PRODUCT} WHERE p.store_id = ? AND p.product_id = ?", (store_id, product_id)
            )
        )
    )


def tree() -> Plan[list[Node]]:
    rows = yield Stmt("SELECT * FROM market_tree ORDER BY level, position")
    return [
        Node(
            r["id"],
            r["parent"],
            int(r["level"]),
            int(r["position"]),
            {"en": r["name_en"], "sr": r["name_sr"]},
        )
        for r in rows
    ]


def replace_tree(nodes: list[Node]) -> Plan[None]:
    """The whole tree at once; refused (`category_in_use`) if a mapped subcategory would go."""
    yield from bump()  # the counter row first, as every marketplace writer takes it
    mapped = yield Stmt("SELECT DISTINCT category FROM products WHERE category IS NOT NULL")
    leaves = {n.id for n in nodes if n.level == market_tree.LEAF}
    market_tree.check_in_use(leaves, (r["category"] for r in mapped))
    yield Stmt("DELETE FROM market_tree")
    for n in nodes:
        yield Stmt(
            "INSERT INTO market_tree (id, parent, level, position, name_en, name_sr) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (n.id, n.parent, n.level, n.position, n.names["en"], n.names["sr"]),
        )
    yield Stmt("UPDATE market_state SET tree_version = tree_version + 1 WHERE id = 1")


def check_categories(categories: Iterable[str | None]) -> Plan[None]:
    """Every category a product is mapped into must be a subcategory of the tree."""
    wanted = sorted({c for c in categories if c is not None})
    if not wanted:
        return
    marks = ", ".join("?" for _ in wanted)
    rows = yield Stmt(
        f"SELECT id FROM market_tree WHERE level = ? AND id IN ({marks})",
        (market_tree.LEAF, *wanted),
    )
    found = {r["id"] for r in rows}
    for category in wanted:
        if category not in found:
            raise market_tree.unknown_category(category)


def set_rates(base: str, date: str, rates: dict[str, Decimal], now: float) -> Plan[None]:
    """One dated set (replacing that date's set if any)."""
    yield from bump()
    yield Stmt("DELETE FROM market_rates WHERE date = ?", (date,))
    for currency, rate in sorted(rates.items()):
        yield Stmt(
            "INSERT INTO market_rates (date, currency, base, rate, set_at) VALUES (?, ?, ?, ?, ?)",
            (date, currency, base, str(rate), now),
        )
    yield Stmt("UPDATE market_state SET rates_version = rates_version + 1 WHERE id = 1")


def current_rates() -> Plan[Rates]:
    rows = yield Stmt(
        "SELECT * FROM market_rates WHERE date = (SELECT MAX(date) FROM market_rates)"
    )
    if not rows:
        return Rates()
    return Rates(
        base=rows[0]["base"],
        date=rows[0]["date"],
        rates={r["currency"]: Decimal(r["rate"]) for r in rows},
    )


def rates_history(limit: int = 100) -> Plan[list[Rates]]:
    dates = yield Stmt(
        "SELECT DISTINCT date FROM market_rates ORDER BY date DESC LIMIT ?", (limit,)
    )
    if not dates:
        return []
    marks = ", ".join("?" for _ in dates)
    rows = yield Stmt(
        f"SELECT * FROM market_rates WHERE date IN ({marks}) ORDER BY date DESC, currency",
        tuple(d["date"] for d in dates),
    )
    sets: dict[str, Rates] = {}
    for r in rows:
        entry = sets.setdefault(r["date"], Rates(base=r["base"], date=r["date"], rates={}))
        entry.rates[r["currency"]] = Decimal(r["rate"])
    return list(sets.values())
