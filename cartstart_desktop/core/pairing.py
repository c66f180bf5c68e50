"""Browsers linked to this cart: pairing codes, the paired browsers, revoking one, and opening a
store page linked by a fresh link token. Every link is a link token the hub can revoke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urldefrag

from .api import HubError, HubUnreachable
from .hub_link import HubLink

LINK_FRAGMENT = "cartstart"


def linked_url(url: str, token: str) -> str:
    """The page's address with the link token in the fragment: browsers never send fragments to
    the server, so the token stays out of the store's logs."""
    return f"{urldefrag(url).url}#{LINK_FRAGMENT}={token}"


class Pairing:
    def __init__(self, link: HubLink, *, open_url: Callable[[str], None]) -> None:
        self._link = link
        self._open_url = open_url

    async def new_code(self) -> tuple[str, float]:
        """A one-time code a store page trades for a link token; and when it expires."""
        api, _ = self._link.online()
        return await api.pairing_code()

    async def browsers(self) -> list[dict[str, Any]]:
        api, _ = self._link.online()
        return await api.link_tokens()

    async def revoke(self, token_id: str) -> None:
        api, _ = self._link.online()
        await api.revoke_link_token(token_id)

    async def open_page(self, url: str, store_id: str, store_name: str) -> bool:
        """Open a store page in the default browser, linked to this cart with a fresh link token
        (scoped to that store). Offline, the page opens unlinked; returns whether it is linked."""
        try:
            api, _ = self._link.online()
            issued = await api.mint_link_token(store_id, f"Bookmark: {store_name}"[:100])
        except (HubUnreachable, HubError):
            self._open_url(urldefrag(url).url)
            return False
        self._open_url(linked_url(url, issued.token))
        return True
