"""Shoppers' accounts over HTTP: what the hub answers about sessions, paired pages and connected
browsers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Outbound


class LinkTokenView(Outbound):
    """A link token as its cart lists it (a page connected with a code, a bookmark's page, a shop
    connected from a browser), or a connected browser itself (`kind` "browser")."""

    token_id: str
    store_id: str | None
    label: str
    created_at: float
    expires_at: float
    kind: Literal["link", "browser"] = Field(
        "link",
        description="`link`: a page's link token; `browser`: a browser connected on the hub's "
        "connect page, which connects shops with one click (revoking it revokes its links too)",
    )
    browser_id: str | None = Field(
        None, description="For a link token made by a connected browser: that browser's token_id"
    )


class IssuedLinkToken(LinkTokenView):
    token: str = Field(description="Put in a store page's URL fragment: #cartstart=<token>")


class ConnectPreview(Outbound):
    """What the hub's connect page shows before the shopper agrees (GET /api/page/connect)."""

    store_id: str
    store_name: str
    origin: str = Field(description="The shop page's origin, as the hub will hold it")
    connected: bool = Field(
        description="Whether the browser credential sent (if any) is valid: false means the "
        "page must first connect this browser with a code"
    )


class IssuedSession(Outbound):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; keep it secret")
    token_id: str
    account_id: str
    expires_at: float
