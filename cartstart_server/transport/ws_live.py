"""`/ws/live`: a store's Direct Selling Page. One connection is one of four roles, chosen by
`hello` (shared_protocol/live.py): a visitor or the store in a session (the session's durable
stream, resumed like a cart's), the store's lobby, or a visitor in public mode."""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any, Literal, assert_never

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from shared_protocol import Channel, ErrorCode, ProtocolError
from shared_protocol.calls import AnswerCall, HangUp, Media, Rtc, StartCall
from shared_protocol.common import Ack, Hello
from shared_protocol.conversations import Navigate
from shared_protocol.live import (
    Approve,
    Complain,
    DeleteSession,
    Follow,
    GalleryState,
    Here,
    Lead,
    LiveHello,
    LiveResult,
    LiveSync,
    LiveWelcome,
    MarkRead,
    OrderNow,
    Post,
    Presence,
    Present,
    PutBack,
    RateCall,
    RemoveWidget,
    Say,
    Search,
    Show,
    Side,
    StartSession,
    Take,
    Typing,
    TypingNow,
    Watch,
)

from ..services.agents import Agents
from ..services.boards import Boards
from ..services.calls import Calls
from ..services.conversations import Conversations
from ..services.identity import Identity
from ..services.selling import Selling, Speaker
from ..services.streams import Callback, Frame, Streams
from .ws_session import Wiring
from .ws_streams import StreamSession

LiveMessage = (
    Watch
    | StartCall
    | AnswerCall
    | HangUp
    | RateCall
    | Complain
    | Rtc
    | Media
    | Ack
    | LiveSync
    | Typing
    | Show
    | Lead
    | Follow
    | StartSession
    | Say
    | MarkRead
    | Present
    | Take
    | PutBack
    | Post
    | RemoveWidget
    | Approve
    | Search
    | OrderNow
    | DeleteSession
    | Navigate
)
Role = Literal["visitor", "store", "public", "lobby"]
CLOSE_GONE = 4410  # the session was deleted (4000-4999: for applications)


class LiveSession(StreamSession[LiveMessage]):
    channel = Channel.LIVE

    def __init__(
        self,
        conn: ServerConnection,
        wiring: Wiring,
        *,
        identity: Identity,
        agents: Agents,
        selling: Selling,
        boards: Boards,
        calls: Calls,
        conversations: Conversations,
        streams: Streams,
    ) -> None:
        super().__init__(conn, wiring, streams)
        self.identity = identity
        self.agents = agents
        self.selling = selling
        self.boards = boards
        self.calls = calls
        self.conversations = conversations
        self.role: Role = "public"
        self.store_id = ""
        self.speaker: Speaker | None = None
        self.conn_id = secrets.token_hex(6)
        self.others: set[str] = set()  # the other side's connections on the page, any node
        self.listening: list[tuple[str, Callback]] = []
        self.deleting = False
        self.watching: set[tuple[str, str]] = set()  # products whose counts it hears

    # ---- hello --------------------------------------------------------------------------------

    async def open(self, hello: Hello) -> None:
        assert isinstance(hello, LiveHello)
        kind = self.selling.credential_kind(hello.token)
        if kind == "store":
            actor = await self.agents.authenticate_console(hello.token)  # key or agent
            assert hello.token is not None
            self.watch = self.agents.watch(actor, hello.token, self.credential_died)
            self.store_id = store_id = actor.store.id
            if hello.session_id is None:
                await self._open_lobby()
                return
            self.speaker = await self.selling.for_store(store_id, hello.session_id, actor.agent_id)
        elif kind == "shopper":
            shopper = await self.identity.authenticate_shopper(hello.token)
            assert hello.token is not None
            if hello.session_id is None:
                raise ProtocolError(ErrorCode.INVALID_MESSAGE, "say which session: session_id")
            self.watch = self.identity.watch(shopper, hello.token, self.credential_died)
            self.speaker = await self.selling.for_cart(shopper.cart_id, hello.session_id)
        elif kind == "link":
            self.speaker = await self.selling.by_link(hello.token)
        elif hello.token is None and hello.store_id is not None:
            await self._open_public(hello.store_id)
            return
        else:
            raise ProtocolError(
                ErrorCode.UNAUTHORIZED,
                "send a session link, a store key, or (public mode) no token and a store_id",
            )
        await self._open_session(hello)

    async def _open_session(self, hello: Hello) -> None:
        assert self.speaker is not None
        self.role = self.speaker.side
        self.store_id = self.speaker.store_id
        self._listen(self.streams.live_signals(self.speaker.session_id), self._signal)
        self._listen(self.streams.live_store(self.store_id), self._forward)  # the seller's calls
        self.stream = self.streams.of_live(self.speaker.session_id)
        await self.start_stream(hello)
        await self._announce_presence(here=True, ask=True)

    async def _open_lobby(self) -> None:
        self.role = "lobby"
        self._listen(self.streams.live_lobby(self.store_id), self._forward)
        await self.streams.ready()
        await self.send(self._welcome_frame())
        await self.send((await self.selling.lobby(self.store_id)).model_dump_json())

    async def _open_public(self, store_id: str) -> None:
        await self.selling.open_store(store_id)
        self.role = "public"
        self.store_id = store_id
        self._listen(self.streams.live_public(store_id), self._forward)
        await self.streams.ready()
        await self.send(self._welcome_frame())
        snap = await self.selling.public(store_id, as_store=False, command_id=None)
        await self.send(snap.model_dump_json())

    def _welcome(self, head: int, resumed: bool, **extra: Any) -> str:
        return self._welcome_frame(head_seq=head, resumed=resumed)

    def _welcome_frame(self, **extra: Any) -> str:
        session = self.speaker.session_id if self.speaker else None
        return LiveWelcome(
            version=self.version,
            role=self.role,
            store_id=self.store_id,
            session_id=session,
            **extra,
        ).model_dump_json()

    async def snapshot(self, command_id: str | None = None) -> int:
        assert self.speaker is not None
        snap = await self.selling.snapshot(self.speaker, command_id)
        here = Here(**{self.speaker.side: True, _other(self.speaker.side): bool(self.others)})
        await self.send(snap.model_copy(update={"here": here}).model_dump_json())
        return snap.head_seq

    # ---- messages -----------------------------------------------------------------------------

    async def handle(self, message: LiveMessage) -> None:
        if self.speaker is not None:  # another agent's visitor: look, do not act
            await self.conversations.check_may_act(self.speaker, message)
        match message:
            case Watch():
                await self._watch(message)
            case StartCall() | AnswerCall() | HangUp() | RateCall() | Complain():
                result = await self.calls.command(self._in_session(message), message)
                await self.send(result.model_dump_json())
            case Rtc() | Media():
                await self.calls.relay(self._in_session(message), message)
            case Ack():
                self._in_session(message)
                await self.ack(message)
            case LiveSync():
                await self._sync(message)
            case Typing():
                speaker = self._in_session(message)
                await self._signal_out({"kind": "typing", "side": speaker.side})
            case Show() | Lead() | Follow():
                await self._gallery(message)
            case StartSession():
                if self.role != "public":
                    raise _wrong_role("start a session", "public mode (no token, a store_id)")
                origin = self.conn.request.headers.get("Origin") if self.conn.request else None
                result = await self.selling.start(self.store_id, message, origin)
                await self.send(result.model_dump_json())
            case Navigate():
                result = await self.conversations.navigate(self._in_session(message), message)
                await self.send(result.model_dump_json())
            case Say() | MarkRead() | Present() | Take() | PutBack() | OrderNow():
                result = await self.selling.command(self._in_session(message), message)
                await self.send(result.model_dump_json())
            case Post():
                if self.role == "lobby":
                    result = await self.boards.store_post(self.store_id, message)
                else:
                    result = await self.boards.post(self._in_session(message), message)
                await self.send(result.model_dump_json())
            case RemoveWidget():
                remover = None if self.role == "lobby" else self._in_session(message)
                await self.boards.remove_widget(remover, self.store_id, message.widget_id)
                await self.send(LiveResult(id=message.id).model_dump_json())
            case Approve():
                if self.role not in ("lobby", "store"):
                    raise ProtocolError(ErrorCode.FORBIDDEN, "only the store can approve posts")
                result = await self.boards.approve(self.store_id, message)
                await self.send(result.model_dump_json())
            case Search():
                await self.send(
                    (await self.selling.search(self.store_id, message)).model_dump_json()
                )
            case DeleteSession():
                self.deleting = True  # its own signal may come back before the result is sent
                result, gone = await self.selling.delete(self._in_session(message), message)
                await self.send(result.model_dump_json())
                await self._gone(gone.model_dump_json())
            case _:
                assert_never(message)

    async def _watch(self, message: Watch) -> None:
        """Follow the counts of exactly these products of the store (ProductFanout writes them
        to this connection as to any page), then send the current ones."""
        keys = {(self.store_id, product_id) for product_id in message.product_ids}
        for key in self.watching - keys:
            self.fanout.remove(self.conn, key)
        for key in keys - self.watching:
            self.fanout.add(self.conn, key)
        fresh = keys - self.watching
        self.watching = keys
        if fresh:
            await self.streams.ready()
            for item in await self.selling.availability(sorted(fresh)):
                await self.send(item.model_dump_json())

    def _in_session(self, message: Any) -> Speaker:
        if self.speaker is None:
            raise _wrong_role(f"send {message.type}", "a session")
        return self.speaker

    async def _sync(self, message: LiveSync) -> None:
        if self.speaker is not None:
            self.pump.rebase(await self.snapshot(message.id))
        elif self.role == "lobby":
            await self.send((await self.selling.lobby(self.store_id, message.id)).model_dump_json())
        else:
            snap = await self.selling.public(self.store_id, as_store=False, command_id=message.id)
            await self.send(snap.model_dump_json())

    async def _gallery(self, message: Show | Lead | Follow) -> None:
        """The gallery's lead and what it shows are signals; only the lead is remembered (a side
        arriving later learns who leads from the snapshot)."""
        speaker = self._in_session(message)
        state = await self.selling.lead_of(speaker)
        match message:
            case Show():
                if state.lead != speaker.side:
                    raise ProtocolError(ErrorCode.FORBIDDEN, "only the side that leads can show")
                state = state.model_copy(
                    update={"product_id": message.product_id, "query": message.query}
                )
            case Lead():
                if state.lead != speaker.side:
                    raise ProtocolError(
                        ErrorCode.FORBIDDEN, "only the side that leads can hand it over"
                    )
                await self.selling.set_lead(speaker, message.to)
                state = state.model_copy(update={"lead": message.to})
            case Follow():
                state = state.model_copy(update={"following": message.on})
        await self._signal_out({"kind": "gallery", "state": state.model_dump_json()})

    # ---- signals ------------------------------------------------------------------------------

    async def _signal_out(self, payload: dict[str, Any]) -> None:
        assert self.speaker is not None
        await self.selling.signal(self.speaker.session_id, {**payload, "conn": self.conn_id})

    async def _announce_presence(self, *, here: bool, ask: bool = False) -> None:
        assert self.speaker is not None
        await self._signal_out(
            {"kind": "presence", "side": self.speaker.side, "here": here, "ask": ask}
        )

    def _signal(self, frame: Frame | None) -> None:
        if frame is None or self.speaker is None:
            return  # a lost signal is a moment that passed
        signal = json.loads(frame.text)
        mine = signal.get("conn") == self.conn_id
        other_side = signal.get("side") not in (None, self.speaker.side)
        match signal["kind"]:
            case "presence" if other_side and not mine:
                before = bool(self.others)
                (self.others.add if signal["here"] else self.others.discard)(signal["conn"])
                if signal.get("ask"):  # a newcomer asks who is here
                    self.in_background(self._announce_presence(here=True))
                if bool(self.others) != before:
                    self.after_welcome(self._send_presence())
                if before and not self.others:
                    self.in_background(self._end_call_of_the_gone())
            case "typing" if other_side:
                self.after_welcome(self.send(TypingNow(side=signal["side"]).model_dump_json()))
            case "gallery":
                state = GalleryState.model_validate_json(signal["state"])
                self.after_welcome(self.send(state.model_dump_json()))
            case "relay" if other_side:
                self.after_welcome(self.send(signal["frame"]))
            case "deleted" if not self.deleting:
                self.in_background(self._gone(signal["frame"]))

    async def _end_call_of_the_gone(self) -> None:
        """The other side left the page: a running call with it ends (once, whoever notices)."""
        assert self.speaker is not None
        call_id = await self.calls.current(self.speaker)
        if call_id is not None:
            await self.calls.peer_gone(self.speaker, call_id)

    async def _send_presence(self) -> None:
        assert self.speaker is not None
        here = {self.speaker.side: True, _other(self.speaker.side): bool(self.others)}
        await self.send(Presence(**here).model_dump_json())

    async def _gone(self, frame: str) -> None:
        await self.send(frame)
        with contextlib.suppress(ConnectionClosed):
            await self.conn.close(CLOSE_GONE, "this session was deleted")

    def _forward(self, frame: Frame | None) -> None:
        if frame is not None:
            self.after_welcome(self.send(frame.text))

    def _listen(self, topic: str, callback: Callback) -> None:
        self.streams.listen(topic, callback)
        self.listening.append((topic, callback))

    async def close(self) -> None:
        for key in self.watching:
            self.fanout.remove(self.conn, key)
        for topic, callback in self.listening:
            self.streams.unlisten(topic, callback)
        if self.speaker is not None:
            with contextlib.suppress(Exception):
                await self._announce_presence(here=False)
        await super().close()


def _other(side: Side) -> Side:
    return "store" if side == "visitor" else "visitor"


def _wrong_role(what: str, needs: str) -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, f"to {what}, connect in {needs}")
