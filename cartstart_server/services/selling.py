"""Live selling: a store's Direct Selling Page, its sessions, and what each side does in one.

Who speaks is settled by the transport (a session link, a store key with a session, a shopper
with an attached session) and handed in as a `Speaker`; everything here checks that the speaker
reaches only its own session and store. Durable events go through the ledger's Committer (one
stream per session); ephemeral signals (presence, typing, the gallery, the lobby, the public
board) are announced on the broker and never stored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Literal, assert_never

from pydantic import TypeAdapter

from shared_protocol.common import Availability
from shared_protocol.live import (
    BoardChanged,
    DeleteSession,
    GalleryState,
    Here,
    LiveResult,
    LiveSettings,
    LiveSettingsIn,
    LiveSnapshot,
    Lobby,
    MarkRead,
    OrderNow,
    Present,
    PublicSnapshot,
    PutBack,
    ReadMarks,
    Say,
    Search,
    SearchResults,
    SessionActivity,
    SessionDeleted,
    SessionSummary,
    Side,
    StartSession,
    Take,
)

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import conversations
from ..domain import identity as who
from ..domain import selling as rules
from ..domain.selling import Speaker as Speaker
from ..domain.topics import (
    Frame,
    live_lobby_topic,
    live_public_topic,
    live_signal_topic,
)
from ..storage import (
    boards,
    calls,
    directory,
    ledger,
    live_settings,
    orders,
    queries,
    ratings,
    selling,
)
from ..storage import lobby as sessions_of
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from ..storage.support import of_session as support_of
from .commits import Committer, once

_RESULT = TypeAdapter(LiveResult)
SessionCommand = Say | MarkRead | Present | Take | PutBack | OrderNow


class Selling:
    def __init__(
        self,
        committer: Committer,
        db: Database,
        clock: Clock,
        config: HubConfig,
        on_queued: Callable[[], None],
    ) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._config = config
        self._on_queued = on_queued
        # Told the store after a session (and any call of it) is deleted: the busy status.
        self.on_deleted: Callable[[str], Awaitable[None]] | None = None

    # ---- who speaks ---------------------------------------------------------------------------

    @staticmethod
    def credential_kind(token: str | None) -> Literal["link", "store", "shopper"] | None:
        """Which kind of credential a live connection presents (checked by whoever takes it)."""
        kinds: dict[str, Literal["link", "store", "shopper"]] = {
            cred.LIVE: "link",
            cred.STORE_KEY: "store",
            cred.AGENT: "store",  # an agent signed in to the console (services/agents.py)
            cred.SESSION: "shopper",
        }
        return kinds.get((token or "").split(".", 1)[0])

    async def by_link(self, link: str | None) -> Speaker:
        """The visitor holding a session link."""
        parsed = cred.parse_token(link or "", cred.LIVE)
        if parsed is None:
            raise rules.no_session()
        session_id, secret = parsed
        s = await self._db.read(selling.session(session_id))
        if s is None:  # only the link's holder learns that its session was deleted
            stone = await self._db.read(selling.tombstone(session_id))
            if stone is not None and cred.secret_matches(secret, stone.secret_hash):
                raise rules.session_deleted(stone.by)
            raise rules.no_session()
        if not cred.secret_matches(secret, s.secret_hash):
            raise rules.no_session()
        return Speaker("visitor", s.store_id, s.id)

    async def for_store(
        self, store_id: str, session_id: str, agent_id: str | None = None
    ) -> Speaker:
        """The store (`agent_id`: an agent of it) in one of its sessions (another store's
        session looks like none)."""
        s = await self._db.read(selling.session(session_id))
        if s is None or s.store_id != store_id:
            stone = await self._db.read(selling.tombstone(session_id))
            if stone is not None and stone.store_id == store_id:
                raise rules.session_deleted(stone.by)
            raise rules.not_found("live session")
        return Speaker("store", store_id, session_id, agent_id)

    async def for_cart(self, cart_id: str, session_id: str) -> Speaker:
        """A shopper's desktop cart, in a session attached to it."""
        s = await self._db.read(selling.require_session(session_id))
        if s.account_id != cart_id:
            raise rules.not_found("live session")
        return Speaker("visitor", s.store_id, s.id)

    async def open_store(self, store_id: str) -> None:
        """A store whose page is on (else not_found: a visitor learns nothing more)."""
        if await self._db.read(directory.get_store(store_id)) is None:
            raise rules.not_enabled()
        enabled, _ = await self._db.read(live_settings.settings(store_id))
        if not enabled:
            raise rules.not_enabled()

    # ---- settings -----------------------------------------------------------------------------

    async def settings(self, store_id: str, hub_url: str) -> LiveSettings:
        return await self._db.read(live_settings.view(store_id, hub_url))

    async def save_settings(self, store_id: str, body: LiveSettingsIn) -> None:
        """Fields left out keep their values (storage.live_settings.change)."""
        given = body.model_dump(include=body.model_fields_set)
        await self._db.write(live_settings.change(store_id, given))

    # ---- public mode --------------------------------------------------------------------------

    async def start(
        self, store_id: str, cmd: StartSession, sent_from: str | None = None
    ) -> LiveResult:
        """A new session with the store; the answer carries its link (shown once). From the
        store's own page (`page_url`; `sent_from`: the connection's Origin) its origin is kept."""
        await self.open_store(store_id)
        store = await self._db.read(directory.require_store(store_id))
        page = conversations.started_from(store.origins, cmd, sent_from)
        now = self._clock.now()
        session_id, secret = cred.new_id("ls"), cred.new_secret()
        label = " ".join(cmd.label.split())
        await self._db.write(
            selling.start(store_id, session_id, cred.hash_secret(secret), label, now, page)
        )
        s = await self._db.read(selling.require_session(session_id))
        await self._activity(s)
        return LiveResult(
            id=cmd.id,
            session=s.info(store),
            link=cred.format_token(cred.LIVE, session_id, secret),
        )

    async def public(
        self, store_id: str, *, as_store: bool, command_id: str | None
    ) -> PublicSnapshot:
        store = await self._db.read(directory.require_store(store_id))
        _, style = await self._db.read(live_settings.settings(store_id))
        board = await self._db.read(boards.public_board(store_id, waiting=False))
        return PublicSnapshot(
            id=command_id,
            store_id=store.id,
            store_name=store.name,
            style=style,
            board=board,
            rating=await self._db.read(ratings.public_summary(store_id)),
        )

    async def availability(self, keys: list[tuple[str, str]]) -> list[Availability]:
        """The current counts of these products (those a live page shows)."""
        return await self._db.read(queries.availability_of(keys))

    async def search(self, store_id: str, cmd: Search) -> SearchResults:
        items = await self._db.read(boards.search(store_id, cmd.query, cmd.limit))
        return SearchResults(id=cmd.id, query=cmd.query, items=items)

    # ---- the store's lobby --------------------------------------------------------------------

    async def lobby(self, store_id: str, command_id: str | None = None) -> Lobby:
        sessions = await self._db.read(sessions_of.lobby(store_id))
        waiting = await self._db.read(boards.public_board(store_id, waiting=True))
        return Lobby(id=command_id, sessions=sessions, waiting=waiting)

    async def _activity(self, s: selling.SessionRow) -> None:
        summary = await self._db.read(sessions_of.one_summary(s, "store"))
        await self.announce(live_lobby_topic(s.store_id), SessionActivity(session=summary))

    # ---- a session ----------------------------------------------------------------------------

    async def snapshot(self, speaker: Speaker, command_id: str | None = None) -> LiveSnapshot:
        s = await self._db.read(selling.require_session(speaker.session_id))
        store = await self._db.read(directory.require_store(s.store_id))
        head, _ = await self._db.read(selling.head(s.id))
        _, style = await self._db.read(live_settings.settings(s.store_id))
        call = await self._db.read(calls.current(s.id))
        last_call, last_rating = await self._db.read(ratings.last_of_session(s.id))
        return LiveSnapshot(
            id=command_id,
            head_seq=head,
            session=s.info(store),
            style=style,
            messages=await self._db.read(selling.messages(s.id)),
            counter=await self._db.read(selling.counter(s.id)),
            board=await self._db.read(boards.session_board(s.id, s.store_id)),
            cart=await self._db.read(selling.session_cart(s)),
            orders=await self._db.read(selling.orders_of(s.id)),
            read=ReadMarks(visitor=s.visitor_read, store=s.store_read),
            here=Here(visitor=False, store=False),
            lead=s.lead,
            call=calls.info(call) if call is not None else None,
            seller_busy=await self._db.read(calls.store_busy(s.store_id)),
            last_call=last_call,
            last_rating=last_rating,
            support=await self._db.read(support_of(s)),
        )

    async def command(self, speaker: Speaker, cmd: SessionCommand) -> LiveResult:
        """A durable command in the speaker's session, applied once per command id."""
        now = self._clock.now()
        principal = f"live:{speaker.session_id}:{speaker.side}"
        warn = self._config.expiry_warning
        # What the store's lobby hears when the visitor writes, takes or orders: read in the
        # command's own transaction (two more reads and hops after it cost a fifth of a chat
        # message's CPU, bench/live_chat.py).
        visitor_acted = isinstance(cmd, Say | Take | OrderNow) and speaker.side == "visitor"
        tell_lobby = visitor_acted or (isinstance(cmd, MarkRead) and speaker.side == "store")
        activity: list[SessionSummary] = []

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                s = yield from selling.require_session(speaker.session_id)
                match cmd:
                    case Say():
                        line = yield from selling.say(fx, s, speaker.side, cmd.id, cmd.text, now)
                        return LiveResult(id=cmd.id, message=line)
                    case MarkRead():
                        yield from selling.mark_read(fx, s, speaker.side, cmd.up_to, now)
                        return LiveResult(id=cmd.id)
                    case Present():
                        rules.check_store_only(speaker, "present products at the counter")
                        product = yield from selling.find_product(s.store_id, cmd.product)
                        item = yield from selling.present(fx, s, product, now)
                        return LiveResult(id=cmd.id, presented=item)
                    case Take():
                        ticket = yield from ledger.reserve(
                            fx,
                            new_ticket_id=cred.new_ordered_id("t"),
                            cart_id=s.cart_id,
                            store_id=s.store_id,
                            product_id=cmd.product_id,
                            qty=cmd.qty,
                            source_url=None,
                            now=now,
                            warn_before=warn,
                            session_id=s.id,
                        )
                        return LiveResult(id=cmd.id, ticket=ticket)
                    case PutBack():
                        yield from selling.require_session_ticket(s, cmd.ticket_id)
                        ticket = yield from ledger.release(
                            fx, cart_id=s.cart_id, ticket_id=cmd.ticket_id, now=now
                        )
                        return LiveResult(id=cmd.id, ticket=ticket)
                    case OrderNow():
                        return (yield from self._order_now(fx, s, cmd, now))
                    case _:
                        assert_never(cmd)

            result = yield from once(principal, cmd, cmd.id, inner(), _RESULT, now)
            activity.clear()  # a retried transaction reads it again
            s = (yield from selling.session(speaker.session_id)) if tell_lobby else None
            if s is not None:
                activity.append((yield from sessions_of.one_summary(s, "store")))
            return result

        result = await self._committer.commit(plan)
        if result.order is not None:
            self._on_queued()
        for summary in activity:
            await self.announce(
                live_lobby_topic(speaker.store_id), SessionActivity(session=summary)
            )
        return result

    def _order_now(
        self, fx: Effects, s: selling.SessionRow, cmd: OrderNow, now: float
    ) -> Plan[LiveResult]:
        buyer = None
        if s.account_id is None:
            if not cmd.email:
                raise rules.order_needs_email()
            email = who.normalize_email(cmd.email)
            rules.check_email(email)
            buyer = orders.Buyer(s.cart_id, email, " ".join(cmd.name.split()) or email)
        placed, _ = yield from orders.checkout(
            fx,
            cart_id=s.cart_id,
            checkout_id=cmd.id,
            store_ids=[s.store_id],
            codes=[],
            now=now,
            new_id=cred.new_id,
            buyer=buyer,
            session_id=s.id,
        )
        return LiveResult(id=cmd.id, order=placed[0])

    # ---- attach and delete --------------------------------------------------------------------

    async def attach(self, cart_id: str, link: str) -> SessionSummary:
        """The shopper's desktop cart takes the session the link holds."""
        speaker = await self.by_link(link)
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[SessionSummary]:
            s = yield from selling.require_session(speaker.session_id)
            yield from selling.attach(fx, s, cart_id, now)
            s = yield from selling.require_session(speaker.session_id)
            return (yield from sessions_of.one_summary(s, "visitor"))

        return await self._committer.commit(plan)

    async def attached(self, cart_id: str) -> list[SessionSummary]:
        found = await self._db.read(sessions_of.attached_to(cart_id))
        return [await self._db.read(sessions_of.one_summary(s, "visitor")) for s in found]

    async def delete(
        self, speaker: Speaker, cmd: DeleteSession | None = None
    ) -> tuple[LiveResult, SessionDeleted]:
        """Delete the session; every connection to it hears `session_deleted` (returned too, for
        the deleter's own connection to send after its result)."""
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[tuple[int, list[str]]]:
            s = yield from selling.require_session(speaker.session_id)
            public = yield from boards.public_posts_of(s.id)  # they go with it
            return (yield from selling.delete(fx, s, speaker.side, now)), public

        seq, public = await self._committer.commit(plan)
        gone = SessionDeleted(seq=seq, by=speaker.side)
        await self.signal(speaker.session_id, {"kind": "deleted", "frame": gone.model_dump_json()})
        lobby, page = live_lobby_topic(speaker.store_id), live_public_topic(speaker.store_id)
        await self.announce(lobby, SessionActivity(deleted=speaker.session_id))
        for widget_id in public:
            for topic in (page, lobby):
                await self.announce(topic, BoardChanged(removed=widget_id))
        if self.on_deleted is not None:
            await self.on_deleted(speaker.store_id)
        return LiveResult(id=cmd.id if cmd else "delete"), gone

    # ---- ephemeral ----------------------------------------------------------------------------

    async def lead_of(self, speaker: Speaker) -> GalleryState:
        s = await self._db.read(selling.require_session(speaker.session_id))
        return GalleryState(lead=s.lead)

    async def announce(self, topic: str, message: Any) -> None:
        await self._committer.announce(topic, Frame(message.model_dump_json()))

    async def signal(self, session_id: str, payload: dict[str, Any]) -> None:
        """An ephemeral signal to every connection of the session, on every node."""
        await self._committer.announce(live_signal_topic(session_id), Frame(json.dumps(payload)))

    async def set_lead(self, speaker: Speaker, to: Side) -> None:
        await self._db.write(selling.set_lead(speaker.session_id, to))
