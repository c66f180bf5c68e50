"""The hub admin's marketplace routes (docs/admin.md, "The marketplace"): the tree's export and
import, exchange rates. Every route needs `Authorization: Bearer csh....` (a hub admin token,
checked on each request, so a revoked one stops at once)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.market import AdminTokenView, RatesHistory, RatesSet

from ..services.hub_admin import HubAdmin
from ..services.market import Market
from .http_auth import Bearer
from .http_errors import SIGNED_IN

Doc = Annotated[dict[str, Any], Body()]


def routes(*, hub_admin: HubAdmin, market: Market) -> APIRouter:
    async def admin(credentials: Bearer) -> AdminTokenView:
        if credentials is None:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer csh....")
        return await hub_admin.authenticate(credentials.credentials)

    router = APIRouter(
        prefix="/api/admin/market",
        tags=["admin"],
        responses=SIGNED_IN,
        dependencies=[Depends(admin)],
    )

    @router.get("/tree")
    async def export_tree() -> dict[str, Any]:
        """The tree as JSON (the same shape the import takes)."""
        return await market.export_tree()

    @router.put("/tree")
    async def import_tree(doc: Doc) -> dict[str, Any]:
        """Replace the whole tree: exactly four levels, ids `[a-z0-9-]{1,40}` unique, names in
        en and sr. 409 `category_in_use` if a subcategory products are mapped into would go."""
        nodes = await market.import_tree(doc)
        return {"nodes": nodes}

    @router.get("/rates")
    async def rates() -> RatesHistory:
        """Every dated set of rates, newest first."""
        return await market.rates_history()

    @router.put("/rates")
    async def set_rates(doc: Doc) -> RatesSet:
        """`{"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}}`: units of each
        currency per 1 base, as decimal text."""
        return await market.set_rates(doc)

    return router
