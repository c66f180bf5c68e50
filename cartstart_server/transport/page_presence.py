"""A page connection's side of the live visitor list (`presence`, `forget_me` on /ws/page): which
visitors it reported (so the hub knows when their last page on this node closed), and the cart
its link token connects it to (the store then sees what that cart holds, by its pseudonym)."""

from __future__ import annotations

from shared_protocol.page import ForgetMe, Forgotten, PresenceReport

from ..services.identity import LinkedPage
from ..services.presence import Presence as PresenceService


class PagePresence:
    def __init__(self, presence: PresenceService, origin: str | None, peer: str | None) -> None:
        self.presence = presence
        self.origin = origin
        self.peer = peer
        self.reported: set[tuple[str, str]] = set()

    async def report(self, message: PresenceReport, link: LinkedPage | None) -> None:
        store_id = message.store_id
        cart_id = link.cart_id if link and link.store_id in (None, store_id) else None
        await self.presence.report(message, origin=self.origin, peer=self.peer, cart_id=cart_id)
        key = (store_id, message.visitor_id)
        if key not in self.reported:
            self.reported.add(key)
            self.presence.opened(*key)

    async def forget(self, message: ForgetMe) -> Forgotten:
        had = await self.presence.forget(
            message.store_id, message.visitor_id, origin=self.origin, command_id=message.id
        )
        self.reported.discard((message.store_id, message.visitor_id))
        return Forgotten(
            id=message.id, store_id=message.store_id, visitor_id=message.visitor_id, had=had
        )

    async def close(self) -> None:
        for key in self.reported:
            await self.presence.closed(*key)
        self.reported.clear()
