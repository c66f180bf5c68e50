"""Calls in live sessions: their life (ask or ring, answer, hang up, ring out, a side gone), the
relay of their signalling between the session's two sides, the store's busy state, and the
ICE servers clients use. Media never passes through the hub."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable

from pydantic import TypeAdapter

from shared_protocol.calls import (
    AnswerCall,
    HangUp,
    IceServer,
    IceServers,
    Media,
    PeerMedia,
    Rtc,
    RtcRelayed,
    SellerBusy,
    StartCall,
)
from shared_protocol.live import LiveResult, SessionActivity
from shared_protocol.ratings import RateCall
from shared_protocol.support import Complain

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import calls as rules
from ..domain import support as support_rules
from ..domain.selling import Speaker, other
from ..domain.text import storable
from ..domain.topics import Frame, live_lobby_topic, live_signal_topic, live_store_topic
from ..storage import calls, credit, lobby, ratings, selling
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from .commits import Committer, once
from .support import Support
from .support_calls import SupportCalls

_RESULT = TypeAdapter(LiveResult)


Available = Callable[[str], Awaitable[set[str]]]  # a store's agents available now


class Calls:
    def __init__(
        self,
        committer: Committer,
        db: Database,
        clock: Clock,
        config: HubConfig,
        available: Available | None = None,
        complaints: Support | None = None,
        mail_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._config = config
        self._available = available
        self._complaints = complaints
        self._mail_queued = mail_queued  # a support call's end queues its report
        self._timers: set[asyncio.Task[None]] = set()
        self.support = SupportCalls(committer, db, clock, config, self._support_ended)
        # Told the store after a call starts running or ends (the busy status: services/busy.py).
        self.on_calls_changed: Callable[[str], Awaitable[None]] | None = None

    async def command(
        self, speaker: Speaker, cmd: StartCall | AnswerCall | HangUp | RateCall | Complain
    ) -> LiveResult:
        if isinstance(cmd, RateCall):
            return await self.rate(speaker, cmd)
        if isinstance(cmd, Complain):
            assert self._complaints is not None
            return await self._complaints.complain(speaker, cmd)
        support = isinstance(cmd, StartCall) and cmd.support
        if support:
            await self._check_support(speaker)
        now = self._clock.now()
        principal = f"live:{speaker.session_id}:{speaker.side}"
        agent_id = speaker.agent_id  # the store side's agent takes the call it rings or accepts

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                s = yield from selling.require_session(speaker.session_id)
                match cmd:
                    case StartCall():
                        call = yield from calls.start(
                            fx, s, speaker.side, cred.new_id("c"), now, agent_id, support
                        )
                    case AnswerCall():
                        call = yield from calls.answer(
                            fx, s, speaker.side, cmd.call_id, cmd.accept, now, agent_id
                        )
                    case HangUp():
                        ended = yield from calls.end(
                            fx, s, speaker.side, cmd.call_id, cmd.reason, now
                        )
                        call = ended or calls.info((yield from calls.call_of(s, cmd.call_id)))
                return LiveResult(id=cmd.id, call=call)

            return once(principal, cmd, cmd.id, inner(), _RESULT, now)

        result = await self._committer.commit(plan)
        call = result.call
        assert call is not None
        if call.state == "ringing":
            self._ring_out_later(speaker, call.call_id, call.created_at)
        else:
            if call.support and call.state == "active":
                self.support.follow(call)
            elif call.support and call.answered_at is not None:
                self._mail_queued()
            await self._tell_busy(speaker.store_id)
        if call.started_by == "visitor" or call.state != "ringing":
            # A visitor asking (or no longer) shows in the lobby; a call running or over moves
            # the visitor out of (or back into) the Workspace list (`in_call`).
            await self._tell_lobby(speaker)
        return result

    async def rate(self, speaker: Speaker, cmd: RateCall) -> LiveResult:
        """The visitor rates an answered call of their session that has ended: once (a retry
        with the same command id gets the same answer; another rating is `conflict`)."""
        if speaker.side != "visitor":
            raise rules.only_visitors_rate()
        now = self._clock.now()
        principal = f"live:{speaker.session_id}:visitor"
        comment = storable(cmd.comment.strip())  # one NUL would fail the write on PostgreSQL

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                s = yield from selling.require_session(speaker.session_id)
                rating = yield from ratings.rate(
                    fx, s, cmd.call_id, cmd.stars, comment, now, cmd.connection
                )
                return LiveResult(id=cmd.id, rating=rating)

            return once(principal, cmd, cmd.id, inner(), _RESULT, now)

        return await self._committer.commit(plan)

    async def _check_support(self, speaker: Speaker) -> None:
        """Only the shopper asks for a support call, and only while a support agent of the
        store is Available (the credit is checked in the call's own transaction)."""
        if speaker.side != "visitor":
            raise support_rules.only_visitors_ask()
        ready = await self._available(speaker.store_id) if self._available else set()
        if not ready & await self._db.read(credit.support_agents(speaker.store_id)):
            s = await self._db.read(selling.require_session(speaker.session_id))
            await self._db.read(credit.check_start(s.store_id, s.account_id))  # its words first
            raise support_rules.nobody_available()

    async def _support_ended(self, store_id: str, session_id: str) -> None:
        self._mail_queued()
        await self._tell_busy(store_id)
        await self._tell_lobby(Speaker("store", store_id, session_id))

    async def peer_gone(self, survivor: Speaker, call_id: str) -> None:
        """The other side left the page during the call: end it, once (any of the survivor's
        connections, on any node, may notice)."""
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[None]:
            s = yield from selling.require_session(survivor.session_id)
            yield from calls.end(fx, s, other(survivor.side), call_id, "peer_gone", now)

        await self._committer.commit(plan)
        self._mail_queued()
        await self._tell_busy(survivor.store_id)
        await self._tell_lobby(survivor)

    async def current(self, speaker: Speaker) -> str | None:
        """The id of the session's running call, if any."""
        row = await self._db.read(calls.current(speaker.session_id))
        return str(row["id"]) if row is not None and row["state"] == "active" else None

    async def busy(self, store_id: str) -> bool:
        return await self._db.read(calls.store_busy(store_id))

    # ---- signalling -------------------------------------------------------------------------

    async def relay(self, speaker: Speaker, message: Rtc | Media) -> None:
        """Pass signalling to the other side of the session's current call (checked, never
        stored)."""
        s = await self._db.read(selling.require_session(speaker.session_id))
        row = await self._db.read(calls.call_of(s, message.call_id))
        if row["state"] == "ended":
            raise rules.call_over(message.call_id)
        frame: RtcRelayed | PeerMedia
        match message:
            case Rtc():
                if message.description is not None:
                    rules.check_description(message.description)
                if message.candidate is not None:
                    rules.check_candidate(message.candidate)
                frame = RtcRelayed(
                    call_id=message.call_id,
                    side=speaker.side,
                    description=message.description,
                    candidate=message.candidate,
                    preview=message.preview,
                )
            case Media():
                frame = PeerMedia(
                    call_id=message.call_id,
                    side=speaker.side,
                    camera=message.camera,
                    microphone=message.microphone,
                )
        payload = {"kind": "relay", "side": speaker.side, "frame": frame.model_dump_json()}
        await self._committer.announce(
            live_signal_topic(speaker.session_id), Frame(json.dumps(payload))
        )

    def ice_servers(self, user: str) -> IceServers:
        """STUN and TURN servers, with TURN credentials valid for `turn_ttl` seconds."""
        config = self._config
        expires = int(self._clock.now() + config.turn_ttl)
        servers = [IceServer(urls=list(config.stun_urls))] if config.stun_urls else []
        if config.turn_urls and config.turn_secret:
            username, password = rules.turn_credentials(config.turn_secret, user, expires)
            servers.append(
                IceServer(urls=list(config.turn_urls), username=username, credential=password)
            )
        return IceServers(ice_servers=servers, expires_at=expires)

    # ---- the ring's end, and the store's busy state -------------------------------------------

    def _ring_out_later(self, speaker: Speaker, call_id: str, created_at: float) -> None:
        async def ring_out() -> None:
            deadline = created_at + self._config.ring_seconds
            while self._clock.now() < deadline:
                await self._clock.sleep_until(deadline)
            now = self._clock.now()
            ended = await self._committer.commit(
                lambda fx: calls.ring_out(fx, call_id, now, self._config.ring_seconds)
            )
            if ended is not None and ended.started_by == "visitor":
                await self._tell_lobby(speaker)

        task = asyncio.ensure_future(ring_out())
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _tell_lobby(self, speaker: Speaker) -> None:
        s = await self._db.read(selling.session(speaker.session_id))
        if s is not None:
            summary = await self._db.read(lobby.one_summary(s, "store"))
            await self._committer.announce(
                live_lobby_topic(speaker.store_id),
                Frame(SessionActivity(session=summary).model_dump_json()),
            )

    async def _tell_busy(self, store_id: str) -> None:
        busy = await self.busy(store_id)
        await self._committer.announce(
            live_store_topic(store_id), Frame(SellerBusy(busy=busy).model_dump_json())
        )
        if self.on_calls_changed is not None:
            await self.on_calls_changed(store_id)

    async def close(self) -> None:
        await self.support.close()
        for task in list(self._timers):
            task.cancel()
        for task in list(self._timers):
            with contextlib.suppress(asyncio.CancelledError):
                await task
