"""Shoppers' accounts over HTTP: what the hub answers about sessions and paired browsers."""

from __future__ import annotations

from pydantic import Field

from .common import Outbound


class LinkTokenView(Outbound):
    """A link token as its cart lists it (a paired browser, or a bookmark's page)."""

    token_id: str
    store_id: str | None
    label: str
    created_at: float
    expires_at: float


class IssuedLinkToken(LinkTokenView):
    token: str = Field(description="Put in a store page's URL fragment: #cartstart=<token>")


class IssuedSession(Outbound):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; keep it secret")
    token_id: str
    account_id: str
    expires_at: float
