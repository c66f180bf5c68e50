"""The marketplace as the cart shows it (pure): a search's query and filters, one page of
results with facets, the category tree, and the words for what can go wrong.

The hub answers `GET /api/market/search`, `/tree` and `/currencies` (docs/marketplace.md); this
module reads those answers into plain objects and builds the next query from what the shopper
did. Nothing here does I/O, so every rule is tested without a hub or a display.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .lang import N_, _

FACETS = ("store", "industry", "area", "category", "subcategory", "price", "in_stock")
"""The facets a search answers with, in the order the tab shows them; each is also a filter."""
LEVELS = ("industry", "area", "category", "subcategory")
"""The tree's levels, broadest first: a node filters on its own level."""

FACET_TITLES = {
    "store": N_("Store"),
    "industry": N_("Industry"),
    "area": N_("Area"),
    "category": N_("Category"),
    "subcategory": N_("Subcategory"),
    "price": N_("Price"),
    "in_stock": N_("Availability"),
}
MAX_QUERY = 200


@dataclass(frozen=True)
class Query:
    """What the shopper asked for: the words, the filters (facet -> id), the display currency
    and the page. Every change but a page turn goes back to the first page."""

    text: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    currency: str = ""
    page: int = 1

    def filter(self, facet: str) -> str:
        return dict(self.filters).get(facet, "")

    def with_text(self, text: str) -> Query:
        return replace(self, text=" ".join(text.split()), page=1)

    def with_filter(self, facet: str, value: str) -> Query:
        kept = {k: v for k, v in self.filters if k != facet}
        if value:
            kept[facet] = value
        return replace(self, filters=tuple(sorted(kept.items())), page=1)

    def with_node(self, path: list[str]) -> Query:
        """Browse a node of the tree: its ids by level (broadest first); deeper levels clear."""
        kept = {k: v for k, v in self.filters if k not in LEVELS}
        kept.update(zip(LEVELS, path, strict=False))
        return replace(self, filters=tuple(sorted(kept.items())), page=1)

    def without_filters(self) -> Query:
        return replace(self, filters=(), page=1)

    def with_currency(self, currency: str) -> Query:
        return replace(self, currency=currency, page=1)

    def with_page(self, page: int) -> Query:
        return replace(self, page=max(1, page))

    @property
    def ready(self) -> bool:
        """Something to search for: words, or a place in the tree (or any filter)."""
        return bool(self.text) or bool(self.filters)

    def problem(self) -> str:
        """Why these words cannot be searched for ("" when they can), before asking the hub."""
        if len(self.text) > MAX_QUERY:
            return _("That is too long to search for: use at most {n} characters.", n=MAX_QUERY)
        if self.text and not any(c.isalnum() for c in self.text):
            return _("Type at least one letter or digit.")
        return ""

    def params(self, lang: str) -> dict[str, str]:
        out = {"q": self.text, "lang": lang, "page": str(self.page)}
        if self.currency:
            out["currency"] = self.currency
        out.update(self.filters)
        return out


@dataclass(frozen=True)
class Result:
    store_id: str
    store_name: str
    product_id: str
    name: str
    code: str
    shown: str
    """The price in the display currency, as the hub wrote it for the language."""
    approximate: bool
    price: str
    """The store's own price (what an order or a quote is in)."""
    image_url: str
    page_url: str
    in_stock: bool
    path: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.store_id, self.product_id)

    @property
    def shown_text(self) -> str:
        """The display price, marked when converted (the rate is the hub admin's, not a bank's)."""
        return f"≈ {self.shown}" if self.approximate else self.shown


@dataclass(frozen=True)
class Facet:
    id: str
    name: str
    count: int


@dataclass(frozen=True)
class Page:
    query: str
    total: int
    page: int
    pages: int
    currency: str
    base: str
    rates_date: str | None
    results: tuple[Result, ...]
    facets: dict[str, tuple[Facet, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    level: str
    count: int
    children: tuple[Node, ...] = ()


def _text(money: Any) -> str:
    if isinstance(money, dict):
        return str(money.get("text") or f"{money.get('amount', '')} {money.get('currency', '')}")
    return ""


def read_result(raw: dict[str, Any]) -> Result:
    shown = raw.get("shown") or raw.get("price") or {}
    return Result(
        store_id=str(raw["store_id"]),
        store_name=str(raw.get("store_name", "")),
        product_id=str(raw["product_id"]),
        name=str(raw.get("name", "")),
        code=str(raw.get("code") or ""),
        shown=_text(shown),
        approximate=bool(shown.get("approximate", False)) if isinstance(shown, dict) else False,
        price=_text(raw.get("price")),
        image_url=str(raw.get("image_url") or ""),
        page_url=str(raw.get("page_url") or ""),
        in_stock=bool(raw.get("in_stock", False)),
        path=tuple(str(p.get("name", "")) for p in raw.get("path") or []),
    )


def read_page(raw: dict[str, Any]) -> Page:
    currency = raw.get("currency") or {}
    facets = {
        kind: tuple(
            Facet(str(f["id"]), str(f.get("name", f["id"])), int(f.get("count", 0)))
            for f in raw.get("facets", {}).get(kind) or []
        )
        for kind in FACETS
    }
    return Page(
        query=str(raw.get("query", "")),
        total=int(raw.get("total", 0)),
        page=int(raw.get("page", 1)),
        pages=int(raw.get("pages", 0)),
        currency=str(currency.get("code", "")),
        base=str(currency.get("base", "")),
        rates_date=currency.get("rates_date"),
        results=tuple(read_result(r) for r in raw.get("results") or []),
        facets=facets,
    )


def read_tree(raw: dict[str, Any]) -> tuple[Node, ...]:
    def node(item: dict[str, Any]) -> Node:
        return Node(
            id=str(item["id"]),
            name=str(item.get("name", item["id"])),
            level=str(item.get("level", "")),
            count=int(item.get("count", 0)),
            children=tuple(node(c) for c in item.get("children") or []),
        )

    return tuple(node(n) for n in raw.get("nodes") or [])


def node_path(nodes: tuple[Node, ...], node_id: str) -> list[Node]:
    """The nodes from the root down to `node_id` ([] when it is not in the tree)."""
    for item in nodes:
        if item.id == node_id:
            return [item]
        below = node_path(item.children, node_id)
        if below:
            return [item, *below]
    return []


def chosen_node(nodes: tuple[Node, ...], query: Query) -> str:
    """The deepest tree node the query filters on ("" for none)."""
    for level in reversed(LEVELS):
        if value := query.filter(level):
            return value
    return ""


def summary(page: Page) -> str:
    """One line over the results: how many, which page, and what the prices are in."""
    found = _.n("{n} product found", "{n} products found", page.total)
    if page.pages > 1:
        found = _("{found} · page {page} of {pages}", found=found, page=page.page, pages=page.pages)
    if page.currency and page.base and page.currency != page.base:
        when = page.rates_date or "?"
        found = _(
            "{found} · prices in {currency} are approximate (rates of {date})",
            found=found,
            currency=page.currency,
            date=when,
        )
    return found
