"""The marketplace's public reads (docs/marketplace.md, "Searching"): search with facets, the
tree with counts, the currencies, one product. No credential: anyone may search. Answers are in
the language asked (`?lang=`, else Accept-Language), money formatted for it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query

from shared_protocol import i18n
from shared_protocol.market import Currencies, MarketProduct, SearchPage, TreeView

from ..services.market import Market
from .http_errors import PUBLIC, errors

Lang = Annotated[str | None, Query(max_length=35, description="en or sr; else Accept-Language")]
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language", include_in_schema=False)]
Currency = Annotated[
    str | None,
    Query(max_length=3, description="The display currency (default: the hub's base currency)"),
]
Filter = Annotated[str | None, Query(max_length=64)]
PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


def routes(*, market: Market) -> APIRouter:
    router = APIRouter(tags=["market"], responses=PUBLIC)

    @router.get("/api/market/search")
    async def search(
        q: Annotated[str, Query(max_length=10_000, description="Words and codes to find")] = "",
        lang: Lang = None,
        accept_language: AcceptLanguage = None,
        currency: Currency = None,
        store: Filter = None,
        industry: Filter = None,
        area: Filter = None,
        category: Filter = None,
        subcategory: Filter = None,
        price: Annotated[str | None, Query(max_length=40, description="A price facet's id")] = None,
        in_stock: Annotated[bool | None, Query(description="true: only in stock")] = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ) -> SearchPage:
        """Every word must match a product's name, code or tags (whole, a prefix, or inside a
        word); a page of 20 by rank, with facet counts. 422 `bad_query` for an empty, too long
        or symbols-only query; `unknown_currency`; `unknown_category` for a filter not in the
        tree. With a store or a branch of the tree chosen, `q` may be empty: everything
        under it."""
        tree = {"industry": industry, "area": area, "category": category,
                "subcategory": subcategory}  # fmt: skip
        return await market.search(
            q,
            lang=i18n.pick(lang, accept_language),
            currency=currency.upper() if currency else None,
            store_id=store or None,
            tree=tree,
            price=price or None,
            in_stock=in_stock,
            page=page,
        )

    @router.get("/api/market/tree")
    async def tree(lang: Lang = None, accept_language: AcceptLanguage = None) -> TreeView:
        """Industry -> area -> category -> subcategory, with the listed products under each."""
        return await market.tree_view(i18n.pick(lang, accept_language))

    @router.get("/api/market/currencies")
    async def currencies() -> Currencies:
        """The base currency and every currency the hub has a rate for."""
        return market.currencies()

    @router.get("/api/market/products/{store_id}/{product_id}", responses=errors(404))
    async def product(
        store_id: PathId,
        product_id: PathId,
        lang: Lang = None,
        accept_language: AcceptLanguage = None,
        currency: Currency = None,
    ) -> MarketProduct:
        """One product as search shows it (404 when unknown, not listed or inactive)."""
        return await market.product(
            store_id,
            product_id,
            lang=i18n.pick(lang, accept_language),
            currency=currency.upper() if currency else None,
        )

    return router
