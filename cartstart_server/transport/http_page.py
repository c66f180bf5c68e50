"""Store pages over HTTP: availability (with long-poll) for firewalled browsers, add-to-cart with a
link token, and the hub's own connect page (a browser connected once connects shops with one
click: docs/protocol.md section 7, "Connecting a browser")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.accounts import ConnectPreview, IssuedLinkToken
from shared_protocol.common import Availability, Ident
from shared_protocol.desk import Talk, TalkProducts
from shared_protocol.page import (
    MAX_SUBSCRIPTIONS,
    Forgotten,
    Holding,
    PageCommand,
    PageResult,
    PresenceReport,
)

from ..services.availability import Availability as AgentAvailability
from ..services.busy import Busy
from ..services.carts import Carts
from ..services.identity import Identity, LinkedPage
from ..services.presence import Presence as PresenceService
from ..services.streams import Streams
from .http_auth import Auth, Bearer
from .http_errors import SIGNED_IN
from .limits import Limits


class Known(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store_id: Ident
    product_id: Ident
    version: int | None = Field(None, description="The version the page already shows")


class AvailabilityPoll(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    products: list[Known] = Field(min_length=1, max_length=MAX_SUBSCRIPTIONS)
    wait: float = Field(0, ge=0, description="Seconds to wait for a change; more than 30 is 30")


class AvailabilityItems(BaseModel):
    items: list[Availability]


class PollAnswer(AvailabilityItems):
    in_cart: list[Holding] | None = Field(
        None,
        description="With a link token: the cart's holds among the products asked about "
        "(what is not listed is not in the cart)",
    )


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    code: str = Field(min_length=4, max_length=20, description="The code shown in the cart")
    label: str = Field("", max_length=100, description="Names this browser in the cart")


class BrowserIn(PairIn):
    label: str = Field("", max_length=60, description="Names this browser in the cart")


class ConnectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store_id: Ident
    origin: str = Field(
        max_length=300, description="The shop page's origin, as the browser reported it"
    )


Origin = Annotated[str | None, Header(include_in_schema=False)]


def _hub_url(request: Request) -> str:
    """The address this request was sent to (scheme, host and port): the hub as its own pages
    see it."""
    return f"{request.url.scheme}://{request.url.netloc}"


def _parse_refs(refs: list[str]) -> list[tuple[str, str]]:
    out = []
    for ref in refs:
        store_id, sep, product_id = ref.partition(":")
        if not sep or not store_id or not product_id:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE, f"{ref!r}: write products as <store_id>:<product_id>"
            )
        out.append((store_id, product_id))
    return out


def routes(
    *,
    identity: Identity,
    carts: Carts,
    streams: Streams,
    talks: AgentAvailability,
    busy: Busy,
    presence: PresenceService,
    limits: Limits,
) -> APIRouter:
    router = APIRouter(tags=["page"], responses=SIGNED_IN)
    auth = Auth(identity)
    linked, maybe_linked = Depends(auth.page), Depends(auth.optional_page)

    @router.get("/api/page/availability")
    async def availability(
        p: Annotated[
            list[str], Query(max_length=MAX_SUBSCRIPTIONS, description="<store_id>:<product_id>")
        ],
    ) -> AvailabilityItems:
        return AvailabilityItems(items=await carts.availability(_parse_refs(p)))

    # The token is optional here: `{}` in the security list says so to generated clients.
    @router.post("/api/page/poll", openapi_extra={"security": [{}]})
    async def poll(body: AvailabilityPoll, page: LinkedPage | None = maybe_linked) -> PollAnswer:
        """Return the products whose availability differs from the versions the page shows,
        waiting up to `wait` seconds for one to change. An empty list means nothing changed.
        With a link token, `in_cart` tells which of the products the page's cart holds."""
        known = {(k.store_id, k.product_id): k.version for k in body.products}
        items = await streams.product_changes(known, min(body.wait, limits.long_poll_max))
        holdings = None if page is None else await carts.holdings(page, known)
        return PollAnswer(items=items, in_cart=holdings)

    @router.get("/api/page/talk/{store_id}")
    async def talk(
        store_id: Ident,
        version: Annotated[
            int | None, Query(ge=0, description="The version the page shows")
        ] = None,
        wait: Annotated[float, Query(ge=0, description="Seconds to wait for a change")] = 0,
    ) -> Talk:
        """Whether the store's pages offer "Talk to us" (the workspace is on and an agent is
        available). With `version` and `wait`, a long-poll: answers when the version differs
        from the one given, or after `wait` seconds (at most 30) with the same state."""
        now = await talks.talk(store_id)
        if version is None or now.version != version or wait <= 0:
            return now

        async def flipped() -> bool:
            return (await talks.talk(store_id)).version != version

        await streams.wait_for(
            [talks.talk_topic(store_id)], min(wait, limits.long_poll_max), flipped
        )
        return await talks.talk(store_id)

    @router.get("/api/page/talk/{store_id}/products")
    async def talk_products(
        store_id: Ident,
        products: Annotated[
            list[Ident], Query(max_length=50, description="The products this page shows")
        ],
        version: Annotated[
            int | None, Query(ge=0, description="The version the page shows")
        ] = None,
        wait: Annotated[float, Query(ge=0, description="Seconds to wait for a change")] = 0,
    ) -> TalkProducts:
        """The busy status of the page's products (`talk_products` on the WebSocket), for a
        page that long-polls: answers when the store's version differs from the one given, or
        after `wait` seconds (at most 30)."""
        found, now = await busy.now(store_id)
        if version is not None and now == version and wait > 0:

            async def moved() -> bool:
                return (await busy.now(store_id))[1] != version

            await streams.wait_for([busy.topic(store_id)], min(wait, limits.long_poll_max), moved)
            found, now = await busy.now(store_id)
        return busy.for_page(store_id, found, now, dict.fromkeys(products))

    @router.post("/api/page/presence", status_code=204, openapi_extra={"security": [{}]})
    async def report_presence(
        command: Annotated[PresenceReport, Body()],
        request: Request,
        origin: Origin = None,
        page: LinkedPage | None = maybe_linked,
    ) -> None:
        """`presence` for pages that cannot keep a WebSocket: the same checks and limits. Such a
        visitor goes offline only when beats stop (45 s)."""
        cart_id = page.cart_id if page and page.store_id in (None, command.store_id) else None
        peer = request.client.host if request.client else None
        await presence.report(command, origin=origin, peer=peer, cart_id=cart_id)

    @router.delete("/api/page/visitors/{store_id}/{visitor_id}")
    async def forget_me(store_id: Ident, visitor_id: str, origin: Origin = None) -> Forgotten:
        """`forget_me`: delete this visitor's presence history in the store and their place in
        the live list, on every hub node."""
        had = await presence.forget(store_id, visitor_id, origin=origin)
        return Forgotten(store_id=store_id, visitor_id=visitor_id, had=had)

    @router.post("/api/page/pair", status_code=201)
    async def pair(body: PairIn) -> IssuedLinkToken:
        """Trade a pairing code for a link token: this browser now adds to that cart."""
        return await identity.redeem_pairing_code(body.code, body.label)

    @router.post("/api/page/connect/browser", status_code=201, tags=["connect"])
    async def connect_browser(
        body: BrowserIn, request: Request, origin: Origin = None
    ) -> IssuedLinkToken:
        """On the hub's own connect page: trade a code from the cart for this browser's
        credential (`kind` "browser"). Refused from any other site."""
        return await identity.connect_browser(body.code, body.label, origin, _hub_url(request))

    @router.get("/api/page/connect", tags=["connect"])
    async def connect_preview(
        store_id: Ident,
        page_origin: Annotated[str, Query(alias="origin", max_length=300)],
        request: Request,
        credentials: Bearer,
        origin: Origin = None,
    ) -> ConnectPreview:
        """On the hub's connect page: the store's name and the page's origin to ask the shopper
        about, and whether the browser credential sent (if any) is valid. A store that did not
        register that origin is refused (403)."""
        credential = credentials.credentials if credentials else None
        return await identity.connect_preview(
            credential, store_id, page_origin, origin, _hub_url(request)
        )

    @router.post("/api/page/connect", status_code=201, tags=["connect"])
    async def connect(
        body: ConnectIn, request: Request, credentials: Bearer, origin: Origin = None
    ) -> IssuedLinkToken:
        """On the hub's connect page, with the browser credential: a link token for that store's
        page (scoped to the store), handed to the page by postMessage to its exact origin."""
        credential = credentials.credentials if credentials else None
        return await identity.connect_shop(
            credential, body.store_id, body.origin, origin, _hub_url(request)
        )

    @router.post("/api/page/commands")
    async def page_command(
        command: Annotated[PageCommand, Body()],
        origin: Annotated[str | None, Header(include_in_schema=False)] = None,
        page: LinkedPage = linked,
    ) -> PageResult:
        """`add_to_cart` with a link token (`Authorization: Bearer <link token>`)."""
        return PageResult.of(command.id, await carts.add_to_cart(page, command, origin))

    return router
