"""Who is on a store's pages now, for its agents (docs/agents.md, "The live visitor list").

Each beat of a page (`report`) is checked (domain.presence), handed to `VisitLog.seen` (history,
written in batches) and put in the roster key `visitors:<store>` as one compact entry (memory on
one node, Redis on several): never a SQL write per beat. A visitor goes offline when their last
page connection on a node closes, and leaves the list when no beat came for 45 s (the sweeper on
every node; a drop is won by one node, so it is announced once, also for a node that died).

Desks hear only what they can see change, gathered per store every 250 ms into one
`visitors_changed` frame on the store's desk topic. The gathering waits on the event loop's own
time, not the hub clock: it is a batching delay, not a rule a test needs to move.

"Forget me" deletes the visitor's history and entry, and tells every node (the broker's
`presence-forget` topic) to drop what it buffered of them, so no node writes it afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable

from shared_protocol.desk import (
    PageVisited,
    VisitorChange,
    VisitorDetails,
    VisitorsChanged,
    VisitorView,
    VisitRecord,
)
from shared_protocol.page import PresenceReport

from ..broker.base import Broker
from ..clock import Clock
from ..domain import presence as rules
from ..domain import visitors
from ..domain.origins import normalize_origin
from ..domain.tickets import cart_ref
from ..domain.topics import (
    PRESENCE_FORGET,
    ROSTER_VISITORS,
    Frame,
    desk_topic,
    roster_visitors,
    store_of_roster,
)
from ..ephemeral.base import Roster
from ..storage import queries
from ..storage.base import Database
from .availability import Availability
from .metrics import HubMetrics
from .origins import OriginPolicy
from .visit_log import VisitLog

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (store_id, visitor_id)
CountryOf = Callable[[str], str | None]  # a peer's address -> ISO country code (GeoIP)


class Presence:
    def __init__(
        self,
        db: Database,
        roster: Roster,
        broker: Broker,
        clock: Clock,
        visits: VisitLog,
        origins: OriginPolicy,
        availability: Availability,
        country_of: CountryOf | None = None,
        *,
        metrics: HubMetrics | None = None,
    ) -> None:
        self._db = db
        self._roster = roster
        self._broker = broker
        self._clock = clock
        self._visits = visits
        self._origins = origins
        self._availability = availability
        self._country_of = country_of
        self._metrics = metrics or HubMetrics()
        self._node = secrets.token_hex(6)  # tells this node's forget announcements from others'
        self._open: dict[Key, int] = {}  # page connections on this node per visitor
        # Each visitor's last report: its time, state and page (a new page or state is news).
        self._reported: dict[Key, tuple[float, str, str]] = {}
        self._pending: dict[str, dict[str, VisitorView | None]] = {}  # per store, to tell
        self._telling: dict[str, asyncio.Task[None]] = {}
        self._forgetting: set[asyncio.Task[None]] = set()
        self._forgot = visitors.ForgetMarks()  # forgets that reports in flight must not undo

    async def start(self) -> None:
        self._broker.subscribe(PRESENCE_FORGET, self._heard_forget)
        await self._broker.ready()

    async def stop(self) -> None:
        self._broker.unsubscribe(PRESENCE_FORGET, self._heard_forget)
        for task in [*self._telling.values(), *self._forgetting]:
            task.cancel()

    # ---- a page's reports -------------------------------------------------------------------

    async def report(
        self,
        report: PresenceReport,
        *,
        origin: str | None,
        peer: str | None = None,
        cart_id: str | None = None,
    ) -> None:
        """One beat of a page (`origin`: its connection's Origin header; `cart_id`: the cart its
        link token connects it to, for this store). Refused: a malformed report, a page not on
        the store's sites, a store whose workspace is off, or reports too often."""
        now = self._clock.now()
        store_id, visitor_id = report.store_id, report.visitor_id
        mark = self._forgot.mark()
        rules.check_report(
            rules.PresenceReport(
                store_id=store_id,
                visitor_id=visitor_id,
                url=report.url,
                title=report.title,
                state=rules.Reported(report.state),
                site_since=report.site_since,
                page_since=report.page_since,
                time_zone=report.tz,
                language=report.lang,
            ),
            store_origins=await self._origins.origins_of(store_id),
            connection_origin=normalize_origin(origin) if origin is not None else None,
            now=now,
        )
        if not (await self._availability.talk(store_id)).enabled:
            raise visitors.workspace_off(store_id)
        key = (store_id, visitor_id)
        last = self._reported.get(key)
        same = last is not None and (last[1], last[2]) == (report.state, report.url)
        if same and last is not None and visitors.too_soon(last[0], now):
            raise visitors.rate_limited()
        self._reported[key] = (now, report.state, report.url)

        roster_key = roster_visitors(store_id)
        before = visitors.Entry.decode(await self._roster.get(roster_key, visitor_id) or "")
        if visitors.newest_page(before, report.url, report.page_since) or before is None:
            url, title, bp = report.url, report.title, report.page_since
            reload = before is not None and url == before.url and bp > before.bp
        else:  # an older tab beating: the visitor stays on the page they opened last
            url, title, bp, reload = before.url, before.title, before.bp, False
        seen = await self._visits.seen(store_id, visitor_id, url, title, now, reload=reload)
        if await self._undone_by_forget(key, mark):
            return
        country = self._country_of(peer) if self._country_of and peer else None
        entry = visitors.Entry(
            url=url,
            title=title,
            site=seen.visit_started,
            page=seen.page_since,
            bp=bp,
            st=report.state,
            v=seen.visit,
            pv=seen.page_views,
            b=now,
            tz=report.tz,
            lang=report.lang,
            co=country or (before.co if before else None),
            c=cart_id or "",
            cr=cart_ref(store_id, cart_id) if cart_id else None,
        )
        await self._roster.put(roster_key, visitor_id, entry.encode(), now)
        if await self._undone_by_forget(key, mark):
            return
        self._metrics.presence_reports.inc()
        if visitors.worth_telling(before, entry):
            self._tell(store_id, visitor_id, entry.view(visitor_id))

    def opened(self, store_id: str, visitor_id: str) -> None:
        """A page connection on this node reported this visitor (counted until `closed`)."""
        key = (store_id, visitor_id)
        self._open[key] = self._open.get(key, 0) + 1

    async def closed(self, store_id: str, visitor_id: str) -> None:
        """That connection closed: the visitor is offline once it was their last on this node."""
        key = (store_id, visitor_id)
        left = self._open.get(key, 0) - 1
        if left > 0:
            self._open[key] = left
            return
        self._open.pop(key, None)
        self._reported.pop(key, None)
        self._visits.left(store_id, visitor_id, self._clock.now())
        roster_key = roster_visitors(store_id)
        before = visitors.Entry.decode(await self._roster.get(roster_key, visitor_id) or "")
        if before is None or before.st == "offline":
            return
        gone = before.offline()
        # Kept at its last beat's time: the sweeper drops it STALE_AFTER after that beat.
        await self._roster.put(roster_key, visitor_id, gone.encode(), before.b)
        self._tell(store_id, visitor_id, gone.view(visitor_id))

    # ---- forgetting ---------------------------------------------------------------------------

    async def forget(
        self,
        store_id: str,
        visitor_id: str,
        *,
        origin: str | None = None,
        command_id: str | None = None,
    ) -> bool:
        """Delete the visitor's history and entry in this store, on every node; whether there
        was anything. From a page (`origin`), only the store's own sites may ask."""
        rules.check_visitor_id(visitor_id)
        await self._origins.check_store(store_id, origin, command_id)
        had = await self._forget_here(store_id, visitor_id)
        note = json.dumps({"n": self._node, "s": store_id, "v": visitor_id})
        await self._broker.publish(PRESENCE_FORGET, Frame(note))
        return had

    def _heard_forget(self, frame: Frame | None) -> None:
        if frame is None:  # a note may be lost while the broker was away (docs/admin.md)
            return
        note = json.loads(frame.text)
        if note["n"] == self._node:
            return
        task = asyncio.create_task(self._forget_heard(note["s"], note["v"]))
        self._forgetting.add(task)
        task.add_done_callback(self._forgetting.discard)

    async def _forget_here(self, store_id: str, visitor_id: str) -> bool:
        """Drop what this node holds of the visitor and delete what is stored (again, for
        another node's "forget me": a batch in flight here may have written some); whether
        there was anything. A report of theirs in flight here sees the mark and undoes itself."""
        key = (store_id, visitor_id)
        self._forgot.forgot(key)
        self._reported.pop(key, None)
        had = await self._visits.forget(store_id, visitor_id)
        if await self._roster.drop(roster_visitors(store_id), visitor_id):
            had = True
            self._tell(store_id, visitor_id, None)
        return had

    async def _forget_heard(self, store_id: str, visitor_id: str) -> None:
        try:
            await self._forget_here(store_id, visitor_id)
        except Exception:
            log.exception("could not forget a visitor another node forgot")

    async def _undone_by_forget(self, key: Key, mark: int) -> bool:
        """The visitor was forgotten while their report waited: what it wrote goes again."""
        if not self._forgot.forgotten_since(key, mark):
            return False
        await self._forget_here(*key)
        return True

    # ---- what desks read ----------------------------------------------------------------------

    def now(self) -> float:
        """The hub's clock: desks tick visitors' times from it."""
        return self._clock.now()

    async def visitors(self, store_id: str) -> list[VisitorView]:
        """The store's visitors now, longest on the site first."""
        entries = await self._roster.all(roster_visitors(store_id))
        views = [
            e.view(vid)
            for vid, text in entries.items()
            if (e := visitors.Entry.decode(text)) is not None
        ]
        return sorted(views, key=lambda v: (v.site_since, v.visitor_id))

    async def details(self, store_id: str, visitor_id: str, command_id: str) -> VisitorDetails:
        """A visitor's visits and pages, and what their connected cart holds of this store.
        Another store's visitor (or a forgotten one) is `not_found`."""
        history = await self._visits.history(store_id, visitor_id)
        entry = visitors.Entry.decode(
            await self._roster.get(roster_visitors(store_id), visitor_id) or ""
        )
        holds = (
            await self._db.read(queries.cart_holds(store_id, entry.c)) if entry and entry.c else []
        )
        return VisitorDetails(
            id=command_id,
            visitor_id=visitor_id,
            first_seen=history.first_seen,
            last_seen=history.last_seen,
            visits=history.visits,
            page_views=history.page_views,
            history=[
                VisitRecord(
                    number=visit.number,
                    started=visit.started,
                    pages=[
                        PageVisited(url=p.url, title=p.title, at=p.at, until=p.until)
                        for p in visit.pages
                    ],
                )
                for visit in history.history
            ],
            visitor=entry.view(visitor_id) if entry else None,
            cart_ref=entry.cr if entry else None,
            holds=holds,
            now=self._clock.now(),
        )

    # ---- sweeping silent visitors -------------------------------------------------------------

    async def sweep(self) -> int:
        """Drop visitors without a beat for STALE_AFTER seconds; how many this node dropped."""
        now = self._clock.now()
        dropped = 0
        for key in await self._roster.keys(ROSTER_VISITORS):
            store_id = store_of_roster(key)
            stale_before = now - visitors.STALE_AFTER
            for visitor_id in await self._roster.stale(key, stale_before):
                entry = visitors.Entry.decode(await self._roster.get(key, visitor_id) or "")
                if await self._roster.drop(key, visitor_id, stale_before):  # one node only
                    dropped += 1
                    self._visits.left(store_id, visitor_id, entry.b if entry else now)
                    self._tell(store_id, visitor_id, None)
        for k in [k for k, (at, *_) in self._reported.items() if now - at > visitors.STALE_AFTER]:
            del self._reported[k]
        return dropped

    async def run(self) -> None:
        """Sweep every SWEEP_EVERY seconds of the hub clock, forever."""
        while True:
            deadline = self._clock.now() + visitors.SWEEP_EVERY
            while self._clock.now() < deadline:
                await self._clock.sleep_until(deadline)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not sweep silent visitors; retrying")

    # ---- telling the desks --------------------------------------------------------------------

    def _tell(self, store_id: str, visitor_id: str, view: VisitorView | None) -> None:
        self._pending.setdefault(store_id, {})[visitor_id] = view
        if store_id not in self._telling:
            self._telling[store_id] = asyncio.create_task(self._publish_soon(store_id))

    async def _publish_soon(self, store_id: str) -> None:
        try:
            await asyncio.sleep(visitors.COALESCE_EVERY)
        finally:
            self._telling.pop(store_id, None)
        changes = self._pending.pop(store_id, {})
        self._metrics.presence_told.inc(len(changes))
        frame = VisitorsChanged(
            now=self._clock.now(),
            changes=[
                VisitorChange(visitor_id=vid, visitor=view, gone=view is None)
                for vid, view in changes.items()
            ],
        )
        try:
            await self._broker.publish(desk_topic(store_id), Frame(frame.model_dump_json()))
        except Exception:
            log.exception("could not tell the desks of visitors' changes")
