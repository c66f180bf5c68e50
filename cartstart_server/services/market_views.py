"""What the marketplace answers, built from the index's stored entries: a product in the
buyer's language and display currency, the facets with names, the tree with counts."""

from __future__ import annotations

import json
from typing import Any

from shared_protocol.i18n import money
from shared_protocol.market import (
    FacetCount,
    MarketProduct,
    MoneyText,
    PathStep,
    Shown,
    TreeNodeView,
)

from ..domain import market_query
from ..domain.market_money import Bucket, Rates, bucket_name
from ..domain.market_tree import LEVELS, Node, Tree
from ..storage.sql import Row
from .market_index import TREE_FIELDS, Entry, key_of


def entry_of(row: Row, tree: Tree, rates: Rates) -> Entry:
    """A product row (with its store's name) as the index keeps it."""
    tags = json.loads(row["tags"])
    in_stock = int(row["on_hand"]) > 0
    shown: dict[str, Any] = {
        "store_id": row["store_id"],
        "store_name": row["store_name"],
        "product_id": row["product_id"],
        "name": row["name"],
        "code": row["code"],
        "tags": tags,
        "amount": int(row["price_amount"]),
        "currency": row["currency"],
        "image_url": row["image_url"],
        "page_url": row["page_url"],
        "in_stock": in_stock,
        "category": row["category"],
    }
    return Entry(
        key=key_of(row["store_id"], row["product_id"]),
        name=row["name"],
        code=row["code"],
        tags=tags,
        store_id=row["store_id"],
        path_ids=[n.id for n in tree.path(row["category"])],
        in_stock=in_stock,
        price_base=rates.in_base(int(row["price_amount"]), row["currency"]),
        shown=shown,
    )


def is_listed(row: Row) -> bool:
    return bool(row["listed"]) and bool(row["active"])


def product_of(
    shown: dict[str, Any], tree: Tree, rates: Rates, lang: str, currency: str
) -> MarketProduct:
    amount, own = int(shown["amount"]), str(shown["currency"])
    converted = rates.convert(amount, own, currency)
    if converted is None:  # no rate for the store's currency: shown as it is, never guessed
        display = Shown(
            amount=amount, currency=own, text=money(amount, own, lang), approximate=False
        )
    else:
        display = Shown(
            amount=converted,
            currency=currency,
            text=money(converted, currency, lang),
            approximate=own != currency,
        )
    return MarketProduct(
        store_id=shown["store_id"],
        store_name=shown["store_name"],
        product_id=shown["product_id"],
        name=shown["name"],
        code=shown["code"],
        tags=shown["tags"],
        price=MoneyText(amount=amount, currency=own, text=money(amount, own, lang)),
        shown=display,
        image_url=shown["image_url"],
        page_url=shown["page_url"],
        in_stock=bool(shown["in_stock"]),
        path=[PathStep(id=n.id, name=n.name(lang)) for n in tree.path(shown["category"])],
    )


def tree_facet(counts: dict[str, int], tree: Tree, lang: str) -> list[FacetCount]:
    """Nodes with their counts, in the tree's order (a node not in the tree any more is left
    out until the index catches up)."""
    nodes = [tree.nodes[i] for i in counts if i in tree.nodes]
    nodes.sort(key=lambda n: _order(tree, n))
    return [FacetCount(id=n.id, name=n.name(lang), count=counts[n.id]) for n in nodes]


def _order(tree: Tree, node: Node) -> list[int]:
    return [n.position for n in tree.path(node.id)]


def store_facet(counts: dict[str, int], names: dict[str, str]) -> list[FacetCount]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0]).lower()))
    return [FacetCount(id=i, name=names.get(i, i), count=n) for i, n in ranked]


def price_facet(
    buckets: list[Bucket], counts: list[int], currency: str, lang: str
) -> list[FacetCount]:
    return [
        FacetCount(id=b.id, name=bucket_name(b, currency, lang), count=n)
        for b, n in zip(buckets, counts, strict=False)
        if n
    ]


def stock_facet(counts: dict[str, int], lang: str) -> list[FacetCount]:
    """Only "in stock" (`in_stock=true` filters by it): what a buyer narrows to."""
    n = counts.get("1", 0)
    return [FacetCount(id="1", name=market_query.in_stock_name(lang), count=n)] if n else []


def tree_view(tree: Tree, counts: dict[str, dict[str, int]], lang: str) -> list[TreeNodeView]:
    def view(node: Node) -> TreeNodeView:
        return TreeNodeView(
            id=node.id,
            name=node.name(lang),
            level=LEVELS[node.level],
            count=counts.get(TREE_FIELDS[node.level], {}).get(node.id, 0),
            children=[view(c) for c in tree.children.get(node.id, [])],
        )

    return [view(n) for n in tree.children.get(None, [])]
