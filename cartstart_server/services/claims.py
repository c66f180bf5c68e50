"""Taking conversations (docs/agents.md "Taking a visitor"): an agent claims a conversation from
the store's pages for themselves, within their chat cap, and gives it back; other agents are
kept from acting in it. Each change is one transaction (storage/claims.py); the store's lobby
and every desk of the store hear the conversation as it is now (`session_activity`)."""

from __future__ import annotations

from typing import NamedTuple

from pydantic import TypeAdapter

from shared_protocol.calls import StartCall
from shared_protocol.desk import (
    Approach,
    ClaimConversation,
    DeskAgent,
    ReleaseConversation,
    SetChatCap,
)
from shared_protocol.live import SessionActivity, SessionSummary
from shared_protocol.page import TalkOffer

from .. import credentials as cred
from ..clock import Clock
from ..domain import agents as agent_rules
from ..domain import claims as rules
from ..domain import conversations as conversation_rules
from ..domain import selling as selling_rules
from ..domain.selling import Speaker
from ..domain.topics import Frame, live_lobby_topic, visitor_topic
from ..storage import claims, directory, selling
from ..storage import lobby as sessions_of
from ..storage.base import Database
from ..storage.selling import SessionRow
from ..storage.sql import Effects, Plan
from .availability import Availability
from .calls import Calls
from .commits import Committer, once
from .presence import Presence


class _Approached(NamedTuple):
    """What an approach made, kept for its retries (the link is the visitor's to open)."""

    summary: SessionSummary
    agent_name: str
    link: str


_APPROACHED = TypeAdapter(_Approached)


class Claims:
    def __init__(
        self,
        committer: Committer,
        db: Database,
        clock: Clock,
        availability: Availability,
        presence: Presence,
        calls: Calls,
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._availability = availability
        self._presence = presence
        self._calls = calls

    async def claim(
        self, store_id: str, agent_id: str, role: str, cmd: ClaimConversation
    ) -> SessionSummary:
        if cmd.take_over and role != "owner":
            raise rules.only_owners_take_over()
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[tuple[SessionSummary, str | None]]:
            s = yield from _own_session(store_id, cmd.session_id)
            taken = yield from claims.claim(s, agent_id, now, take_over=cmd.take_over)
            return (yield from sessions_of.one_summary(taken, "store")), s.agent_id

        summary, previous = await self._committer.commit(plan)
        await self.told(store_id, summary, agent_id, previous)  # taken over: theirs counts out
        return summary

    async def release(
        self, store_id: str, agent_id: str, cmd: ReleaseConversation
    ) -> SessionSummary:
        def plan(fx: Effects) -> Plan[SessionSummary]:
            s = yield from _own_session(store_id, cmd.session_id)
            freed = yield from claims.release(s, agent_id)
            return (yield from sessions_of.one_summary(freed, "store"))

        summary = await self._committer.commit(plan)
        await self.told(store_id, summary, agent_id)
        return summary

    async def approach(self, store_id: str, agent_id: str, cmd: Approach) -> SessionSummary:
        """The agent writes first to a visitor on the store's pages now: a new conversation
        from the page they are on, taken by the agent (within their cap), with the message;
        the visitor's pages hear `talk_offer`. With `call`, the agent rings them as well."""
        here = [v for v in await self._presence.visitors(store_id) if v.status != "offline"]
        visitor = next((v for v in here if v.visitor_id == cmd.visitor_id), None)
        if visitor is None:  # also another store's visitor: the same answer
            raise selling_rules.not_found("visitor on your pages now")
        now = self._clock.now()
        session_id, secret = cred.new_id("ls"), cred.new_secret()

        link = cred.format_token(cred.LIVE, session_id, secret)

        def plan(fx: Effects) -> Plan[_Approached]:
            def inner() -> Plan[_Approached]:
                store = yield from directory.require_store(store_id)
                origin = conversation_rules.page_origin(store.origins, visitor.url, None)
                page = (visitor.visitor_id, origin, visitor.url)
                secret_hash = cred.hash_secret(secret)
                yield from selling.start(store_id, session_id, secret_hash, "", now, page)
                s = yield from selling.require_session(session_id)
                s = yield from claims.claim(s, agent_id, now)
                yield from selling.say(fx, s, "store", cmd.id, cmd.text, now)
                name = yield from claims.agent_name(agent_id)
                return _Approached((yield from sessions_of.one_summary(s, "store")), name, link)

            # A retry (a lost answer) gets the same conversation, not a second one.
            return once(f"desk:{agent_id}", cmd, cmd.id, inner(), _APPROACHED, now)

        summary, name, link = await self._committer.commit(plan)
        if summary.session_id != session_id:
            return summary  # a retry: the visitor was offered it (and rung) the first time
        if cmd.call:
            speaker = Speaker("store", store_id, session_id, agent_id)
            await self._calls.command(speaker, StartCall(id=cred.new_id("c")))
        offer = TalkOffer(
            store_id=store_id,
            visitor_id=visitor.visitor_id,
            session_id=session_id,
            link=link,
            agent_name=name,
            text=cmd.text,
            call=cmd.call,
        )
        topic = visitor_topic(store_id, visitor.visitor_id)
        await self._committer.announce(topic, Frame(offer.model_dump_json()))
        await self.told(store_id, summary, agent_id)
        return summary

    async def set_cap(self, store_id: str, agent_id: str, cmd: SetChatCap) -> DeskAgent:
        """An agent's own cap (a lower cap than their open chats only stops new claims)."""
        view = None
        if await self._db.write(claims.set_cap(store_id, agent_id, cmd.chat_cap)):
            view = await self._availability.agent_changed(store_id, agent_id)
        if view is None:
            raise agent_rules.agent_gone()
        return view

    async def set_cap_of(self, store_id: str, agent_id: str, cap: int) -> bool:
        """False when there is no such agent of the store."""
        done = await self._db.write(claims.set_cap(store_id, agent_id, cap))
        if done:
            await self._availability.agent_changed(store_id, agent_id)
        return done

    async def told(self, store_id: str, summary: SessionSummary, *agents: str | None) -> None:
        """The lobby and the desks hear the conversation; the desks hear the agents' counts."""
        frame = Frame(SessionActivity(session=summary).model_dump_json())
        await self._committer.announce(live_lobby_topic(store_id), frame)
        for agent in {a for a in agents if a is not None}:
            await self._availability.agent_changed(store_id, agent)

    async def freed(self, store_id: str, session_ids: list[str]) -> None:
        """Conversations given back without their agent (removed from the team): the lobby
        and the desks hear them free again."""
        for session_id in session_ids:
            s = await self._db.read(selling.session(session_id))
            if s is not None:
                await self.told(store_id, await self._db.read(sessions_of.one_summary(s, "store")))

    async def conversations(self, store_id: str) -> list[SessionSummary]:
        """The store's conversations from its pages, newest activity first (the desk's list
        marks each visitor with theirs)."""
        found = await self._db.read(sessions_of.lobby(store_id))
        return [c for c in found if c.visitor_id is not None]


def _own_session(store_id: str, session_id: str) -> Plan[SessionRow]:
    """The store's session (another store's looks like none)."""
    s = yield from selling.session(session_id)
    if s is None or s.store_id != store_id:
        raise selling_rules.not_found("live session")
    return s
