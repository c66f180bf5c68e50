"""Presence history, written in batches: `VisitLog` keeps what this node heard of visitors in
memory and writes it every `FLUSH_EVERY` seconds (or at `FLUSH_ROWS` rows) as one plan
(storage/visits.record), never a write per beat.

Presence itself (who is on the site now) is ephemeral and lives elsewhere; this is what is kept:
each visitor's visits, page views and the pages they saw, for the store's retention period.

What a crash loses: the rows buffered since the last flush, at most `FLUSH_EVERY` seconds of page
views (a page whose end was not written is read back as ending when the next one began). A
visitor who moves to another node carries on from what is stored: the highest visit number and
added page views make two nodes' batches agree.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..clock import Clock
from ..domain import presence as rules
from ..domain.text import storable
from ..storage import visits
from ..storage.base import Database
from ..storage.sql import Plan
from .commits import ATTEMPTS, RACE_RETRY
from .metrics import HubMetrics

log = logging.getLogger(__name__)
T = TypeVar("T")

FLUSH_EVERY = 5.0  # seconds between batches (what a crash may lose)
FLUSH_ROWS = 1000  # a batch is written early once this many rows wait
MAX_PENDING = 50_000  # rows kept while the database refuses batches; beyond, a batch is dropped
# A visitor this node has not heard for this long may have gone on on another node (connections
# are not sticky): their next beat here reads what is stored instead of trusting memory.
REFRESH_AFTER = rules.OFFLINE_AFTER + FLUSH_EVERY

Key = tuple[str, str]  # (store_id, visitor_id)


@dataclass(frozen=True, slots=True)
class VisitNow:
    """Where a visitor stands, for the live list: the hub's times, not the browser's."""

    visit: int  # this visit's number: 1 on a first visit, 2 for a returning visitor...
    visit_started: float
    page_since: float
    page_views: int
    first_seen: float
    new_visit: bool
    new_page: bool


@dataclass(slots=True)
class _Page:
    visit: int
    url: str
    title: str
    at: float


@dataclass(slots=True)
class _Visitor:
    first_seen: float
    last_seen: float | None  # None: never seen before
    visits: int
    page_views: int  # known in total, this node's pending ones included
    visit_started: float
    page: _Page | None  # the page they are on; None once they left it
    pending_views: int = 0  # page views not written yet
    written_seen: float = 0.0  # last_seen as last handed to a batch


class VisitLog:
    def __init__(self, db: Database, clock: Clock, metrics: HubMetrics) -> None:
        self._db = db
        self._clock = clock
        self._metrics = metrics
        self._visitors: dict[Key, _Visitor] = {}
        self._loading: dict[Key, asyncio.Future[visits.Known | None]] = {}
        self._pages: dict[tuple[str, str, float], visits.PageRow] = {}
        self._dirty: set[Key] = set()
        self._lock = asyncio.Lock()  # one batch at a time; forget waits for the one in flight
        self._kicked: asyncio.Task[int] | None = None

    # -- what presence tells it ------------------------------------------------------------

    async def seen(
        self,
        store_id: str,
        visitor_id: str,
        url: str,
        title: str,
        at: float,
        *,
        reload: bool = False,
    ) -> VisitNow:
        """A beat of a visitor on `url` (checked by domain.presence.check_report). A new URL, or
        `reload`, is a page view; a beat after `VISIT_GAP` of silence starts a visit. Reads the
        database only for a visitor this node does not know yet."""
        key = (store_id, visitor_id)
        url, title = storable(url), storable(title)  # one bad row would fail a batch
        v = self._visitors.get(key)
        if v is not None and key not in self._dirty and at - (v.last_seen or at) > REFRESH_AFTER:
            del self._visitors[key]  # written already (nothing of it waits): read it again
            v = None
        v = v or await self._load(key, at)
        new_visit = rules.is_new_visit(v.last_seen, at)
        if new_visit:
            if v.page is not None:  # they left it when they were last seen
                self._close(key, v, v.last_seen or v.page.at)
            v.visits += 1
            v.visit_started = at
        new_page = new_visit or reload or v.page is None or v.page.url != url
        if new_page:
            replaces = v.page is not None and v.page.at == at  # the same instant: a redirect
            if v.page is not None and not replaces:
                self._close(key, v, at)
            v.page = _Page(v.visits, url, title, at)
            self._pages[(*key, at)] = visits.PageRow(*key, v.visits, url, title, at, None)
            if not replaces:
                v.page_views += 1
                v.pending_views += 1
            self._dirty.add(key)
        v.last_seen = at if v.last_seen is None else max(v.last_seen, at)
        if at - v.written_seen >= rules.LAST_SEEN_STEP:
            self._dirty.add(key)
        self._kick_if_full()
        assert v.page is not None
        return VisitNow(
            v.visits, v.visit_started, v.page.at, v.page_views, v.first_seen, new_visit, new_page
        )

    def left(self, store_id: str, visitor_id: str, at: float) -> None:
        """The visitor's page closed (or stopped beating): its page view ends at `at`."""
        key = (store_id, visitor_id)
        v = self._visitors.get(key)
        if v is None or v.page is None:
            return
        self._close(key, v, at)
        v.last_seen = at if v.last_seen is None else max(v.last_seen, at)
        self._dirty.add(key)

    def _close(self, key: Key, v: _Visitor, at: float) -> None:
        page, v.page = v.page, None
        if page is not None:
            self._pages[(*key, page.at)] = visits.PageRow(
                *key, page.visit, page.url, page.title, page.at, max(at, page.at)
            )

    async def _load(self, key: Key, at: float) -> _Visitor:
        """What storage knows of a visitor; concurrent first beats share one read."""
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(self._db.read(visits.known(*key)))
            self._loading[key] = loading
            loading.add_done_callback(lambda _: self._loading.pop(key, None))
        found = await asyncio.shield(loading)
        if key in self._visitors:  # another beat got here first
            return self._visitors[key]
        if found is None:
            v = _Visitor(first_seen=at, last_seen=None, visits=0, page_views=0, visit_started=at,
                         page=None)  # fmt: skip
        else:
            last = found.last_page
            still_on = last is not None and last.left_at is None and last.visit == found.visits
            v = _Visitor(
                first_seen=found.first_seen,
                last_seen=found.last_seen,
                visits=found.visits,
                page_views=found.page_views,
                visit_started=found.visit_started,
                page=_Page(last.visit, last.url, last.title, last.at)
                if last and still_on
                else None,
                written_seen=found.last_seen,
            )
        self._visitors[key] = v
        return v

    # -- reading and forgetting ------------------------------------------------------------

    async def history(self, store_id: str, visitor_id: str) -> rules.VisitorHistory:
        """The visitor's visits and pages in this store, this node's unwritten rows included.
        Another store, or a visitor never seen (or forgotten), is `not_found`."""
        rules.check_visitor_id(visitor_id)
        key = (store_id, visitor_id)
        found = await self._db.read(visits.history(*key))
        v = self._visitors.get(key)
        local = {at: row for (s, vid, at), row in self._pages.items() if (s, vid) == key}
        if found is None and not local:
            raise rules.unknown_visitor()
        pages = {p.at: p for p in (found[1] if found else [])}
        for at, row in local.items():
            pages[at] = rules.PageRecord(row.visit, row.url, row.title, row.at, row.left_at)
        stored = found[0] if found else None
        views = (stored.page_views if stored else 0) + (v.pending_views if v else 0)
        seen = [x for x in (stored and stored.last_seen, v and v.last_seen) if x]
        firsts = [x for x in (stored and stored.first_seen, v and v.first_seen) if x]
        return rules.VisitorHistory(
            visitor_id=visitor_id,
            first_seen=min(firsts),
            last_seen=max(seen) if seen else min(firsts),
            visits=max(stored.visits if stored else 0, v.visits if v else 0),
            page_views=views,
            history=rules.group_visits([pages[at] for at in sorted(pages)]),
        )

    async def forget(self, store_id: str, visitor_id: str) -> bool:
        """Delete all presence history of the visitor in this store (what this node holds, and
        what is stored); whether there was any. Waits for a batch in flight, so nothing of the
        visitor written by this node survives."""
        rules.check_visitor_id(visitor_id)
        key = (store_id, visitor_id)
        async with self._lock:
            had = self._visitors.pop(key, None) is not None
            self._dirty.discard(key)
            for page_key in [k for k in self._pages if k[:2] == key]:
                del self._pages[page_key]
            deleted = await self._write(lambda: visits.forget(*key))
        return deleted or had

    # -- retention -------------------------------------------------------------------------

    async def retention_days(self, store_id: str) -> int:
        return await self._db.read(visits.retention_days(store_id))

    async def set_retention_days(self, store_id: str, days: int) -> None:
        rules.check_retention(days)
        await self._write(lambda: visits.set_retention_days(store_id, days))

    async def purge_expired(self) -> int:
        """Delete every store's history older than its retention period (run daily by Ops)."""
        cutoffs = await self._db.read(visits.cutoffs(self._clock.now()))
        deleted = await self._write(lambda: visits.purge(cutoffs))
        self._metrics.visit_rows_purged.inc(deleted)
        return deleted

    # -- batches ---------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Rows waiting for the next batch."""
        return len(self._pages) + len(self._dirty)

    async def run(self) -> None:
        """Write a batch every `FLUSH_EVERY` seconds on the hub's clock, forever. A cancelled
        run lets the batch in flight finish (close() writes the rest)."""
        while True:
            due = self._clock.now() + FLUSH_EVERY
            while self._clock.now() < due:
                await self._clock.sleep_until(due)
            await asyncio.shield(self._flush_logged())

    async def close(self) -> None:
        """Write what is left (the hub stops)."""
        if self._kicked is not None:
            await asyncio.gather(self._kicked, return_exceptions=True)
        await self._flush_logged()

    def _kick_if_full(self) -> None:
        if self.pending >= FLUSH_ROWS and (self._kicked is None or self._kicked.done()):
            self._kicked = asyncio.create_task(self._flush_logged(), name="visit-log-flush")

    async def _flush_logged(self) -> int:
        try:
            return await self.flush()
        except Exception:
            log.exception("writing presence history failed; the rows wait for the next batch")
            return 0

    async def flush(self) -> int:
        """Write what waits as one plan; the number of rows written. If the write fails, the rows
        wait for the next batch (up to `MAX_PENDING`, then that batch is dropped and counted)."""
        async with self._lock:
            batch = self._take()
            if not batch:
                self._evict()
                return 0
            try:
                await self._write(lambda: visits.record(batch))
            except Exception:
                self._metrics.visit_flush_failures.inc()
                self._put_back(batch)
                raise
            self._metrics.visit_rows.labels("pages").inc(len(batch.pages))
            self._metrics.visit_rows.labels("visitors").inc(len(batch.visitors))
            self._evict()
            return len(batch)

    def _take(self) -> visits.Batch:
        pages, self._pages = list(self._pages.values()), {}
        dirty, self._dirty = self._dirty, set()
        batch = visits.Batch(pages=pages)
        for key in dirty:
            v = self._visitors.get(key)
            if v is None or v.last_seen is None:
                continue
            batch.visitors.append(
                visits.VisitorRow(*key, v.first_seen, v.last_seen, v.visits, v.pending_views)
            )
            v.pending_views, v.written_seen = 0, v.last_seen
        return batch

    def _put_back(self, batch: visits.Batch) -> None:
        if self.pending + len(batch) > MAX_PENDING:
            self._metrics.visit_rows_dropped.inc(len(batch))
            log.error("presence history dropped", extra={"rows": len(batch)})
            return
        for page in batch.pages:  # a newer row of the same page (its end) wins
            self._pages.setdefault((page.store_id, page.visitor_id, page.at), page)
        for counts in batch.visitors:
            key = (counts.store_id, counts.visitor_id)
            v = self._visitors.get(key)
            if v is not None:
                v.pending_views += counts.page_views
                self._dirty.add(key)

    def _evict(self) -> None:
        """Forget visitors silent for a whole visit gap: their next beat starts a visit, which
        reads the database again."""
        before = self._clock.now() - rules.VISIT_GAP
        for key in [
            k
            for k, v in self._visitors.items()
            if (v.last_seen or v.first_seen) < before and k not in self._dirty
        ]:
            del self._visitors[key]

    async def _write(self, build: Callable[[], Plan[T]]) -> T:
        """Run a plan, again if it lost a race with another node's transaction."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._db.write(build())
            except Exception as exc:
                if attempt < ATTEMPTS and self._db.retryable(exc):
                    await asyncio.sleep(RACE_RETRY.delay(attempt))
                    continue
                raise
        raise AssertionError("unreachable")
