"""Live selling over HTTP: the same session stream and commands as `/ws/live` for clients that
poll, the store's settings and lobby, public mode, uploads, and a shopper attaching a session.

Credentials: a session link (`Authorization: Bearer csv...`) for `/api/live/session`, the store's
key for `/api/stores/{id}/live`, a shopper's session for `/api/cart/live-sessions` (and, for a
session attached to that cart, `/api/cart/live-sessions/{id}`); public mode needs none."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.calls import AnswerCall, HangUp, IceServers, StartCall
from shared_protocol.common import Ident, Url
from shared_protocol.conversations import Navigate
from shared_protocol.live import (
    Approve,
    Complain,
    DeleteSession,
    LiveCommand,
    LiveResult,
    LiveSettings,
    LiveSettingsIn,
    LiveSnapshot,
    Lobby,
    Post,
    PublicSnapshot,
    RateCall,
    RemoveWidget,
    Search,
    SearchResults,
    SessionSummary,
    StartSession,
    WidgetIn,
)
from shared_protocol.store_api import StoreInfo

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.availability import Availability
from ..services.boards import Boards
from ..services.calls import Calls
from ..services.conversations import Conversations
from ..services.identity import Identity, Shopper
from ..services.selling import Selling, Speaker
from ..services.streams import Streams
from .http_auth import Auth, Bearer
from .http_errors import SIGNED_IN
from .limits import Limits
from .polling import PollResponse, poll_response

UPLOADS = "/api/live/uploads"
After = Annotated[int, Query(ge=0, le=2**53, description="Last seq applied")]
Wait = Annotated[float, Query(ge=0, description="Seconds to hold the request open; at most 30")]


class AttachIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    link: str = Field(max_length=512, description="The session link the visitor's page keeps")


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    label: str = Field("", max_length=60, description="How the store will know the visitor")
    visitor_id: Ident | None = Field(None, description="As start_session on /ws/live")
    page_url: Url | None = Field(None, description="As start_session on /ws/live")


class BoardPostIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    widget: WidgetIn


class Uploaded(BaseModel):
    upload_id: str
    url: str = Field(description="Where the image is served (a path on the hub)")


def routes(
    *,
    identity: Identity,
    agents: Agents,
    selling: Selling,
    boards: Boards,
    calls: Calls,
    conversations: Conversations,
    streams: Streams,
    availability: Availability,
    limits: Limits,
) -> APIRouter:
    router = APIRouter(responses=SIGNED_IN, tags=["live"])
    auth = Auth(identity, agents)
    # The console's routes: the key, or an agent whose role allows it (docs/agents.md).
    own = Depends(auth.console(Permission.LIVE))
    own_as = Depends(auth.console_as(Permission.LIVE))  # who takes a call matters
    set_live = Depends(auth.console(Permission.LIVE_SETTINGS))
    signed_in = Depends(auth.shopper)

    async def visitor(credentials: Bearer) -> Speaker:
        if credentials is None:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <session link>")
        return await selling.by_link(credentials.credentials)

    in_session = Depends(visitor)

    async def run(speaker: Speaker, command: Any) -> LiveResult | SearchResults:
        """One command in a session, exactly as on the WebSocket."""
        await conversations.check_may_act(speaker, command)  # another agent's visitor
        match command:
            case StartCall() | AnswerCall() | HangUp() | RateCall() | Complain():
                return await calls.command(speaker, command)
            case Navigate():
                return await conversations.navigate(speaker, command)
            case Search():
                return await selling.search(speaker.store_id, command)
            case Post():
                return await boards.post(speaker, command)
            case RemoveWidget():
                await boards.remove_widget(speaker, speaker.store_id, command.widget_id)
                return LiveResult(id=command.id)
            case Approve():
                if speaker.side != "store":
                    raise ProtocolError(ErrorCode.FORBIDDEN, "only the store can approve posts")
                return await boards.approve(speaker.store_id, command)
            case DeleteSession():
                result, _ = await selling.delete(speaker, command)
                return result
            case StartSession():
                raise ProtocolError(
                    ErrorCode.FORBIDDEN, "start a session at /api/live/stores/{store_id}/sessions"
                )
        return await selling.command(speaker, command)

    def events(speaker: Speaker, after: int, wait: float) -> Any:
        return streams.poll(
            streams.of_live(speaker.session_id),
            after,
            min(wait, limits.long_poll_max),
            lambda: selling.snapshot(speaker),
        )

    # ---- the visitor --------------------------------------------------------------------------

    @router.get("/api/live/session")
    async def session(speaker: Speaker = in_session) -> LiveSnapshot:
        """The session the link holds, whole."""
        return await selling.snapshot(speaker)

    @router.get("/api/live/session/events", response_model=PollResponse)
    async def session_events(
        after: After = 0, wait: Wait = 0, speaker: Speaker = in_session
    ) -> Response:
        return poll_response(await events(speaker, after, wait))

    @router.post("/api/live/session/commands")
    async def session_command(
        command: Annotated[LiveCommand, Body()], speaker: Speaker = in_session
    ) -> LiveResult | SearchResults:
        """say, mark_read, take, put_back, post, remove_widget, search, order_now,
        delete_session: the same JSON as on `/ws/live`."""
        return await run(speaker, command)

    @router.delete("/api/live/session", status_code=204)
    async def delete_session(speaker: Speaker = in_session) -> Response:
        await selling.delete(speaker)
        return Response(status_code=204)

    # ---- public mode --------------------------------------------------------------------------

    @router.get("/live/{store_id}", include_in_schema=False)
    async def page(store_id: Ident) -> Response:
        """The store's Direct Selling Page (its session link, once it has one, in the fragment)."""
        return RedirectResponse(f"/static/live.html?store={store_id}")

    @router.get("/api/live/stores/{store_id}")
    async def public(store_id: Ident) -> PublicSnapshot:
        await selling.open_store(store_id)
        return await selling.public(store_id, as_store=False, command_id=None)

    @router.post("/api/live/stores/{store_id}/sessions", status_code=201)
    async def start(request: Request, store_id: Ident, body: StartIn) -> LiveResult:
        """Open a session; keep the answer's `link` (it is shown once). From the store's own
        page (the talk panel, when it polls): `page_url` and `visitor_id`."""
        start = StartSession(id="start-http", **body.model_dump())
        return await selling.start(store_id, start, request.headers.get("Origin"))

    @router.get("/api/live/stores/{store_id}/search")
    async def search(
        store_id: Ident,
        q: Annotated[str, Query(max_length=200)] = "",
        limit: Annotated[int, Query(ge=1, le=100)] = 24,
    ) -> SearchResults:
        await selling.open_store(store_id)
        return await selling.search(store_id, Search(id="search-http", query=q, limit=limit))

    @router.get("/api/live/ice-servers")
    async def ice_servers(credentials: Bearer) -> IceServers:
        """STUN and TURN servers for a call, with TURN credentials that expire (a session link
        or a store key)."""
        token = credentials.credentials if credentials else None
        if selling.credential_kind(token) == "store":
            store = (await agents.authenticate_console(token)).store
            return calls.ice_servers(f"store-{store.id}")
        speaker = await selling.by_link(token)
        return calls.ice_servers(f"visitor-{speaker.session_id}")

    # ---- uploads ------------------------------------------------------------------------------

    @router.post(UPLOADS, status_code=201)
    async def upload(
        request: Request,
        credentials: Bearer,
        session_id: Annotated[
            Ident | None, Query(description="A store's upload for a session")
        ] = None,
    ) -> Uploaded:
        """The image itself is the body (PNG, JPEG or WebP; checked by decoding it)."""
        token = credentials.credentials if credentials else None
        if selling.credential_kind(token) == "store":
            store = (await agents.authenticate_console(token)).store
            owner = await selling.for_store(store.id, session_id) if session_id else None
            store_id, session = store.id, owner.session_id if owner else None
        else:
            speaker = await selling.by_link(token)
            store_id, session = speaker.store_id, speaker.session_id
        upload_id, url = await boards.upload(store_id, session, await request.body())
        return Uploaded(upload_id=upload_id, url=url)

    @router.get(UPLOADS + "/{upload_id}", include_in_schema=False)
    async def image(upload_id: Ident) -> Response:
        content_type, data = await boards.image(upload_id)
        return Response(
            data,
            media_type=content_type,
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Content-Disposition": "inline",
                "Cache-Control": "private, max-age=86400",
            },
        )

    # ---- the store ----------------------------------------------------------------------------

    prefix = "/api/stores/{store_id}/live"

    @router.get(prefix)
    async def settings(request: Request, store: StoreInfo = own) -> LiveSettings:
        return await selling.settings(store.id, str(request.base_url).rstrip("/"))

    @router.put(prefix)
    async def save_settings(
        request: Request, body: LiveSettingsIn, store: StoreInfo = set_live
    ) -> LiveSettings:
        """Change the Direct Selling Page's settings. Fields left out keep their values."""
        await selling.save_settings(store.id, body)
        await availability.refresh(store.id)  # the workspace on or off: pages hear it
        return await selling.settings(store.id, str(request.base_url).rstrip("/"))

    @router.get(prefix + "/sessions")
    async def lobby(store: StoreInfo = own) -> Lobby:
        """The store's sessions, newest activity first, and posts waiting for approval."""
        return await selling.lobby(store.id)

    @router.get(prefix + "/sessions/{session_id}")
    async def store_session(session_id: Ident, store: StoreInfo = own) -> LiveSnapshot:
        return await selling.snapshot(await selling.for_store(store.id, session_id))

    @router.get(prefix + "/sessions/{session_id}/events", response_model=PollResponse)
    async def store_events(
        session_id: Ident, after: After = 0, wait: Wait = 0, store: StoreInfo = own
    ) -> Response:
        speaker = await selling.for_store(store.id, session_id)
        return poll_response(await events(speaker, after, wait))

    @router.post(prefix + "/sessions/{session_id}/commands")
    async def store_command(
        session_id: Ident, command: Annotated[LiveCommand, Body()], actor: ConsoleActor = own_as
    ) -> LiveResult | SearchResults:
        return await run(
            await selling.for_store(actor.store.id, session_id, actor.agent_id), command
        )

    @router.delete(prefix + "/sessions/{session_id}", status_code=204)
    async def store_delete(session_id: Ident, store: StoreInfo = own) -> Response:
        await selling.delete(await selling.for_store(store.id, session_id))
        return Response(status_code=204)

    @router.post(prefix + "/board", status_code=201)
    async def board_post(body: BoardPostIn, store: StoreInfo = own) -> LiveResult:
        """Post on the store's public board."""
        post = Post(id=f"board-{secrets.token_hex(8)}", widget=body.widget, public=True)
        return await boards.store_post(store.id, post)

    @router.post(prefix + "/board/{widget_id}/approval")
    async def approve(widget_id: Ident, store: StoreInfo = own) -> LiveResult:
        return await boards.approve(store.id, Approve(id="approve-http", widget_id=widget_id))

    @router.delete(prefix + "/board/{widget_id}", status_code=204)
    async def board_remove(widget_id: Ident, store: StoreInfo = own) -> Response:
        await boards.remove_widget(None, store.id, widget_id)
        return Response(status_code=204)

    # ---- the shopper's desktop cart -------------------------------------------------------------

    @router.post("/api/cart/live-sessions", status_code=201)
    async def attach(body: AttachIn, shopper: Shopper = signed_in) -> SessionSummary:
        """Attach the session a link holds to this cart: its items join the cart."""
        return await selling.attach(shopper.cart_id, body.link)

    @router.get("/api/cart/live-sessions")
    async def attached(shopper: Shopper = signed_in) -> list[SessionSummary]:
        return await selling.attached(shopper.cart_id)

    # The same session as `/api/live/session/...`, for the cart it is attached to: a desktop cart
    # polls with its own session token (sessions attached from another computer have no link).

    @router.get("/api/cart/live-sessions/{session_id}")
    async def cart_session(session_id: Ident, shopper: Shopper = signed_in) -> LiveSnapshot:
        return await selling.snapshot(await selling.for_cart(shopper.cart_id, session_id))

    @router.get("/api/cart/live-sessions/{session_id}/events", response_model=PollResponse)
    async def cart_session_events(
        session_id: Ident, after: After = 0, wait: Wait = 0, shopper: Shopper = signed_in
    ) -> Response:
        speaker = await selling.for_cart(shopper.cart_id, session_id)
        return poll_response(await events(speaker, after, wait))

    @router.post("/api/cart/live-sessions/{session_id}/commands")
    async def cart_session_command(
        session_id: Ident, command: Annotated[LiveCommand, Body()], shopper: Shopper = signed_in
    ) -> LiveResult | SearchResults:
        return await run(await selling.for_cart(shopper.cart_id, session_id), command)

    @router.get("/api/cart/live-sessions/{session_id}/ice-servers")
    async def cart_ice_servers(session_id: Ident, shopper: Shopper = signed_in) -> IceServers:
        """STUN and TURN servers for a call in this session, from the desktop cart."""
        speaker = await selling.for_cart(shopper.cart_id, session_id)
        return calls.ice_servers(f"visitor-{speaker.session_id}")

    return router
