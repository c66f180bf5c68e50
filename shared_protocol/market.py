"""The marketplace's public answers (docs/marketplace.md): search results with facets, the
classification tree with counts, the currencies a buyer may choose; and the hub admin's views of
rates and tokens. Pages, the desktop and solutions read these."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Outbound

Level = Literal["industry", "area", "category", "subcategory"]


class MoneyText(Outbound):
    amount: int = Field(description="Minor units")
    currency: str
    text: str = Field(description="Formatted for the answer's language")


class Shown(MoneyText):
    approximate: bool = Field(description="Converted with the hub's exchange rates")


class PathStep(Outbound):
    id: str
    name: str


class MarketProduct(Outbound):
    store_id: str
    store_name: str
    product_id: str
    name: str
    code: str
    tags: list[str]
    price: MoneyText = Field(description="The store's own price (orders and quotes use it)")
    shown: Shown = Field(description="In the display currency")
    image_url: str | None
    page_url: str | None
    in_stock: bool
    path: list[PathStep] = Field(description="Industry .. subcategory; [] when not classified")


class FacetCount(Outbound):
    id: str
    name: str
    count: int


class Facets(Outbound):
    store: list[FacetCount]
    industry: list[FacetCount]
    area: list[FacetCount]
    category: list[FacetCount]
    subcategory: list[FacetCount]
    price: list[FacetCount]
    in_stock: list[FacetCount]


class DisplayCurrency(Outbound):
    code: str
    base: str
    rates_date: str | None


class SearchPage(Outbound):
    query: str
    total: int
    page: int
    pages: int
    currency: DisplayCurrency
    results: list[MarketProduct]
    facets: Facets


class TreeNodeView(Outbound):
    id: str
    name: str
    level: Level
    count: int = Field(description="Listed products under this node")
    children: list[TreeNodeView]


class TreeView(Outbound):
    nodes: list[TreeNodeView]


class Currencies(Outbound):
    base: str
    date: str | None = Field(description="The day of the rates in force (YYYY-MM-DD)")
    currencies: list[str] = Field(description="The base, then every currency with a rate")


class RatesSet(Outbound):
    base: str
    date: str
    rates: dict[str, str] = Field(description="Units of the currency per 1 base, decimal text")


class RatesHistory(Outbound):
    sets: list[RatesSet] = Field(description="Newest first")


class AdminTokenView(Outbound):
    id: str
    label: str
    created_at: float
    expires_at: float
    revoked_at: float | None
