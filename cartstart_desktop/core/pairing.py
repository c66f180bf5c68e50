"""Browsers connected to this cart: one-time codes, the browsers and pages linked, disconnecting
one, and opening a store page linked by a fresh link token. Every link is a link token the hub
can revoke. (The protocol calls trading a code for a token "pairing"; people read "connect".)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag

from .api import HubError, HubUnreachable
from .hub_link import HubLink
from .lang import _

LINK_FRAGMENT = "cartstart"
BOOKMARK_LABEL = "Bookmark: "
"""How the cart names the link tokens it makes for pages opened from Bookmarks."""


@dataclass(frozen=True)
class LinkedBrowser:
    """A browser or page that may add to this cart (one link token)."""

    token_id: str
    label: str
    store_id: str | None
    created_at: float
    expires_at: float

    @property
    def from_bookmark(self) -> bool:
        return self.label.startswith(BOOKMARK_LABEL)

    @property
    def name(self) -> str:
        if self.from_bookmark:
            return _("Page from Bookmarks ({store})", store=self.label.removeprefix(BOOKMARK_LABEL))
        return self.label or _("A browser")

    @classmethod
    def of(cls, raw: dict[str, Any]) -> LinkedBrowser:
        return cls(
            str(raw["token_id"]),
            str(raw.get("label") or ""),
            raw.get("store_id"),
            float(raw["created_at"]),
            float(raw["expires_at"]),
        )


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
        api, _connection = self._link.online()
        return await api.pairing_code()

    async def browsers(self) -> list[dict[str, Any]]:
        api, _connection = self._link.online()
        return await api.link_tokens()

    async def linked(self) -> list[LinkedBrowser]:
        """The browsers and pages linked to this cart, newest first."""
        found = [LinkedBrowser.of(raw) for raw in await self.browsers()]
        # The hub lists the oldest first; made in the same instant, the later one still leads.
        return sorted(reversed(found), key=lambda b: b.created_at, reverse=True)

    async def revoke(self, token_id: str) -> None:
        api, _connection = self._link.online()
        await api.revoke_link_token(token_id)

    async def open_page(self, url: str, store_id: str, store_name: str) -> bool:
        """Open a store page in the default browser, linked to this cart with a fresh link token
        (scoped to that store). Offline, the page opens unlinked; returns whether it is linked."""
        try:
            api, _connection = self._link.online()
            issued = await api.mint_link_token(store_id, f"{BOOKMARK_LABEL}{store_name}"[:100])
        except (HubUnreachable, HubError):
            self._open_url(urldefrag(url).url)
            return False
        self._open_url(linked_url(url, issued.token))
        return True


class Connecting:
    """What the Connect dialog shows while it is open: a one-time code, the browsers and pages
    linked to the cart, and the browser that used the code (once one has). The dialog calls
    `refresh` every second or two; the hub says nothing to the cart when a code is used."""

    def __init__(self, pairing: Pairing) -> None:
        self._pairing = pairing
        self.code = ""
        self.expires_at = 0.0
        self.browsers: list[LinkedBrowser] = []
        self.connected: LinkedBrowser | None = None
        """The browser that used the current code."""
        self._before: set[str] = set()

    async def new_code(self) -> None:
        # The list first, then the code: a browser that uses the code at once is still new.
        self.browsers = await self._pairing.linked()
        self._before = {b.token_id for b in self.browsers}
        self.code, self.expires_at = await self._pairing.new_code()
        self.connected = None

    async def refresh(self) -> bool:
        """Read the linked browsers again; returns whether anything the dialog shows changed."""
        browsers = await self._pairing.linked()
        changed = [b.token_id for b in browsers] != [b.token_id for b in self.browsers]
        self.browsers = browsers
        if self.connected is None and self.code:
            new = [b for b in browsers if b.token_id not in self._before and not b.from_bookmark]
            if new:
                self.connected = new[-1]  # the oldest new one: the code links exactly one
                changed = True
        return changed

    async def disconnect(self, token_id: str) -> None:
        await self._pairing.revoke(token_id)
        await self.refresh()
