"""`/ws/desk`: an agent's workspace in the console (shared_protocol/desk.py, docs/agents.md).

Agents only: a store's API key is refused (`forbidden`), and an agent hears only their own
store. The connection counts the agent as connected while it is open and beats; removal,
sign-out and expiry close it like the agent's other connections (unauthorized, then 1008)."""

from __future__ import annotations

from typing import assert_never

from websockets.asyncio.server import ServerConnection

from shared_protocol import Channel
from shared_protocol.common import Hello
from shared_protocol.desk import (
    Approach,
    AskVisitorDetails,
    Beat,
    ClaimConversation,
    DeskResult,
    DeskSnapshot,
    DeskSync,
    DeskWelcome,
    ReleaseConversation,
    SetChatCap,
    SetStatus,
)

from ..services.agents import Agents
from ..services.availability import Availability
from ..services.claims import Claims
from ..services.presence import Presence
from ..services.streams import Frame, Streams
from .ws_session import ChannelSession, Wiring

DeskMessage = (
    SetStatus
    | Beat
    | DeskSync
    | AskVisitorDetails
    | ClaimConversation
    | ReleaseConversation
    | Approach
    | SetChatCap
)


class DeskSession(ChannelSession[DeskMessage]):
    channel = Channel.DESK

    def __init__(
        self,
        conn: ServerConnection,
        wiring: Wiring,
        *,
        agents: Agents,
        availability: Availability,
        presence: Presence,
        streams: Streams,
        claims: Claims,
    ) -> None:
        super().__init__(conn, wiring)
        self.agents = agents
        self.availability = availability
        self.presence = presence
        self.streams = streams
        self.claims = claims
        self.role = ""
        self.store_id = ""
        self.agent_id = ""
        self.field: str | None = None  # its roster entry, while counted as connected
        self.topics: list[str] = []

    async def open(self, hello: Hello) -> None:
        actor = await self.agents.authenticate_console(hello.token)
        self.store_id, self.agent_id = self.availability.desk_of(actor)
        self.role = actor.role
        assert hello.token is not None
        self.watch = self.agents.watch(actor, hello.token, self.credential_died)
        # Counted first (others hear it), then listen, then read: the snapshot holds this desk,
        # and nothing announced after it is missed.
        self.field = await self.availability.join(self.store_id, self.agent_id)
        self.topics = [
            self.availability.desk_topic(self.store_id),
            self.availability.talk_topic(self.store_id),
            self.streams.live_lobby(self.store_id),  # conversations: session_activity
        ]
        for topic in self.topics:
            self.streams.listen(topic, self._heard)
        await self.streams.ready()
        welcome = DeskWelcome(version=self.version, store_id=self.store_id, agent_id=self.agent_id)
        await self.send(welcome.model_dump_json())
        await self.send((await self._snapshot()).model_dump_json())

    def _heard(self, frame: Frame | None) -> None:
        if frame is None:  # changes may have been missed: the whole state again
            self.in_background(self._resync())
        else:
            self.in_background(self.send(frame.text))

    async def _resync(self) -> None:
        await self.send((await self._snapshot()).model_dump_json())

    async def _snapshot(self, command_id: str | None = None) -> DeskSnapshot:
        """The agents, the talk state and the visitors on the store's pages now."""
        snap = await self.availability.snapshot(self.store_id, command_id)
        visitors = await self.presence.visitors(self.store_id)
        talks = await self.claims.conversations(self.store_id)
        return snap.model_copy(
            update={"visitors": visitors, "conversations": talks, "now": self.presence.now()}
        )

    async def handle(self, message: DeskMessage) -> None:
        match message:
            case Beat():
                if self.field is not None:
                    await self.availability.beat(self.store_id, self.agent_id, self.field)
            case SetStatus():
                agent = await self.availability.set_status(
                    self.store_id, self.agent_id, message.status
                )
                await self.send(DeskResult(id=message.id, agent=agent).model_dump_json())
            case DeskSync():
                await self.send((await self._snapshot(message.id)).model_dump_json())
            case AskVisitorDetails():
                details = await self.presence.details(self.store_id, message.visitor_id, message.id)
                await self.send(details.model_dump_json())
            case ClaimConversation():
                summary = await self.claims.claim(self.store_id, self.agent_id, self.role, message)
                await self.send(DeskResult(id=message.id, session=summary).model_dump_json())
            case ReleaseConversation():
                summary = await self.claims.release(self.store_id, self.agent_id, message)
                await self.send(DeskResult(id=message.id, session=summary).model_dump_json())
            case Approach():
                summary = await self.claims.approach(self.store_id, self.agent_id, message)
                await self.send(DeskResult(id=message.id, session=summary).model_dump_json())
            case SetChatCap():
                agent = await self.claims.set_cap(self.store_id, self.agent_id, message)
                await self.send(DeskResult(id=message.id, agent=agent).model_dump_json())
            case _:
                assert_never(message)

    async def close(self) -> None:
        for topic in self.topics:
            self.streams.unlisten(topic, self._heard)
        if self.field is not None:
            field, self.field = self.field, None
            await self.availability.leave(self.store_id, self.agent_id, field)
