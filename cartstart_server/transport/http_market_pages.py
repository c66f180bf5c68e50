"""The marketplace's page (`/market/`, storefront_templates/static/market.html and its bundle
market.js) and the words it shows: `GET /api/market/i18n/{lang}` is the `market` catalogue of
shared_protocol.i18n for one language, which the page's `t()`/`tn()` read (docs/marketplace.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse, RedirectResponse, Response

from shared_protocol import ErrorCode, ProtocolError, i18n
from storefront_templates import STATIC_DIR

from .http_errors import errors

MARKET_PAGE = STATIC_DIR / "market.html"
Lang = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[a-z]{2,8}$")]


def routes() -> APIRouter:
    router = APIRouter(tags=["market"])

    @router.get("/market", include_in_schema=False)
    async def market_no_slash() -> Response:
        return RedirectResponse("/market/")

    @router.get("/market/", include_in_schema=False)
    async def market_page() -> Response:
        """The marketplace; a solution's private link keeps its secret in the fragment
        (`/market/#solution=<id>.<secret>`), which never reaches the hub in a request line."""
        return FileResponse(
            MARKET_PAGE,
            media_type="text/html; charset=utf-8",
            headers={
                "X-Frame-Options": "DENY",
                "Content-Security-Policy": "frame-ancestors 'none'",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache",
            },
        )

    @router.get("/api/market/i18n/{lang}", responses=errors(404, 422))
    async def words(lang: Lang) -> dict[str, str | dict[str, str]]:
        """The page's words in `lang` (`en`: empty, the page's own English shows): a message
        or, for plurals, its forms by CLDR category (`one`, `few`, `other`)."""
        if lang not in i18n.LANGUAGES:
            raise ProtocolError(
                ErrorCode.NOT_FOUND,
                f"no words in {lang!r}; the languages are {', '.join(i18n.LANGUAGES)}",
            )
        return i18n.catalogue("market", lang)

    return router
