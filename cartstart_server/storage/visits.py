"""Presence history: visitors' counters and their page views, written in batches
(services/visit_log.py), read for an agent, forgotten on request, purged after the store's
retention period.

A batch is one plan of a few multi-row statements, whatever its size: page views are one upsert
keyed by (store, visitor, time), so closing a page written by an earlier batch (its `left_at`)
is the same statement as adding new ones; visitors' counters are one upsert where `visits` is the
highest visit number any node saw and `page_views` adds up, so two nodes writing the same
visitor agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain import presence as rules
from ..domain.identity import no_store
from .sql import Plan, Row, Stmt, one

ROWS_PER_STATEMENT = 500  # 7 parameters a row: far below both engines' limits
HISTORY_PAGES = 500  # the newest page views an agent reads of one visitor


@dataclass(frozen=True, slots=True)
class PageRow:
    store_id: str
    visitor_id: str
    visit: int
    url: str
    title: str
    at: float
    left_at: float | None


@dataclass(frozen=True, slots=True)
class VisitorRow:
    """What one batch knows of a visitor: `visits` is the highest visit number it saw,
    `page_views` the page views it adds."""

    store_id: str
    visitor_id: str
    first_seen: float
    last_seen: float
    visits: int
    page_views: int


@dataclass(slots=True)
class Batch:
    pages: list[PageRow] = field(default_factory=list)
    visitors: list[VisitorRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pages) + len(self.visitors)


@dataclass(frozen=True, slots=True)
class Known:
    """A visitor as storage knows them: counters, and the page they were last on."""

    first_seen: float
    last_seen: float
    visits: int
    page_views: int
    visit_started: float  # the first page view of the latest visit (last_seen if none is left)
    last_page: rules.PageRecord | None


def _chunks(rows: Sequence[tuple[object, ...]]) -> list[Sequence[tuple[object, ...]]]:
    return [rows[i : i + ROWS_PER_STATEMENT] for i in range(0, len(rows), ROWS_PER_STATEMENT)]


def _values(chunk: Sequence[tuple[object, ...]]) -> tuple[str, tuple[object, ...]]:
    marks = "(" + ", ".join("?" * len(chunk[0])) + ")"
    return ", ".join([marks] * len(chunk)), tuple(v for row in chunk for v in row)


def record(batch: Batch) -> Plan[None]:
    """One batch. A page's end is the earliest any node heard. Rows are sorted by key, so two nodes' batches lock shared rows in the same
    order (no deadlock on PostgreSQL); a key appears once per statement (PostgreSQL refuses an
    upsert that touches a row twice): the VisitLog merges rows before it hands them over."""
    pages = sorted(
        (p.store_id, p.visitor_id, p.visit, p.url, p.title, p.at, p.left_at) for p in batch.pages
    )
    for chunk in _chunks(pages):
        values, params = _values(chunk)
        yield Stmt(
            "INSERT INTO visitor_pages (store_id, visitor_id, visit, url, title, at, left_at) "
            f"VALUES {values} ON CONFLICT (store_id, visitor_id, at) DO UPDATE SET "
            "left_at = CASE WHEN visitor_pages.left_at IS NULL THEN excluded.left_at "
            "WHEN excluded.left_at < visitor_pages.left_at THEN excluded.left_at "
            "ELSE visitor_pages.left_at END",
            params,
        )
    visitors = sorted(
        (v.store_id, v.visitor_id, v.first_seen, v.last_seen, v.visits, v.page_views)
        for v in batch.visitors
    )
    for chunk in _chunks(visitors):
        values, params = _values(chunk)
        yield Stmt(
            "INSERT INTO visitors (store_id, visitor_id, first_seen, last_seen, visits, "
            f"page_views) VALUES {values} ON CONFLICT (store_id, visitor_id) DO UPDATE SET "
            "first_seen = CASE WHEN excluded.first_seen < visitors.first_seen "
            "THEN excluded.first_seen ELSE visitors.first_seen END, "
            "last_seen = CASE WHEN excluded.last_seen > visitors.last_seen "
            "THEN excluded.last_seen ELSE visitors.last_seen END, "
            "visits = CASE WHEN excluded.visits > visitors.visits "
            "THEN excluded.visits ELSE visitors.visits END, "
            "page_views = visitors.page_views + excluded.page_views",
            params,
        )


def _page(row: Row) -> rules.PageRecord:
    return rules.PageRecord(row["visit"], row["url"], row["title"], row["at"], row["left_at"])


def known(store_id: str, visitor_id: str) -> Plan[Known | None]:
    """What a node needs to go on with a visitor another node (or an earlier run) saw."""
    counts = one(
        (
            yield Stmt(
                "SELECT first_seen, last_seen, visits, page_views FROM visitors "
                "WHERE store_id = ? AND visitor_id = ?",
                (store_id, visitor_id),
            )
        )
    )
    if counts is None:
        return None
    last = one(
        (
            yield Stmt(
                "SELECT visit, url, title, at, left_at FROM visitor_pages "
                "WHERE store_id = ? AND visitor_id = ? ORDER BY at DESC LIMIT 1",
                (store_id, visitor_id),
            )
        )
    )
    started = counts["last_seen"]
    if last is not None:
        first = one(
            (
                yield Stmt(
                    "SELECT MIN(at) AS at FROM visitor_pages "
                    "WHERE store_id = ? AND visitor_id = ? AND visit = ?",
                    (store_id, visitor_id, last["visit"]),
                )
            )
        )
        started = first["at"] if first and first["at"] is not None else last["at"]
    return Known(
        counts["first_seen"],
        counts["last_seen"],
        counts["visits"],
        counts["page_views"],
        started,
        _page(last) if last else None,
    )


def history(store_id: str, visitor_id: str) -> Plan[tuple[Known, list[rules.PageRecord]] | None]:
    """The visitor's counters and newest `HISTORY_PAGES` page views (oldest first); None for a
    visitor this store has no record of."""
    found = yield from known(store_id, visitor_id)
    if found is None:
        return None
    rows = yield Stmt(
        "SELECT visit, url, title, at, left_at FROM visitor_pages "
        "WHERE store_id = ? AND visitor_id = ? ORDER BY at DESC LIMIT ?",
        (store_id, visitor_id, HISTORY_PAGES),
    )
    return found, [_page(r) for r in reversed(rows)]


def forget(store_id: str, visitor_id: str) -> Plan[bool]:
    """Delete everything kept about the visitor in this store; whether there was anything."""
    pages = yield Stmt(
        "DELETE FROM visitor_pages WHERE store_id = ? AND visitor_id = ? RETURNING at",
        (store_id, visitor_id),
    )
    counts = yield Stmt(
        "DELETE FROM visitors WHERE store_id = ? AND visitor_id = ? RETURNING visits",
        (store_id, visitor_id),
    )
    return bool(pages or counts)


def retention_days(store_id: str) -> Plan[int]:
    row = one(
        (
            yield Stmt(
                "SELECT p.retention_days FROM stores s "
                "LEFT JOIN presence_settings p ON p.store_id = s.id WHERE s.id = ?",
                (store_id,),
            )
        )
    )
    if row is None:
        raise no_store(store_id)
    return int(row["retention_days"] or rules.RETENTION_DEFAULT_DAYS)


def set_retention_days(store_id: str, days: int) -> Plan[None]:
    if one((yield Stmt("SELECT id FROM stores WHERE id = ?", (store_id,)))) is None:
        raise no_store(store_id)
    yield Stmt(
        "INSERT INTO presence_settings (store_id, retention_days) VALUES (?, ?) "
        "ON CONFLICT (store_id) DO UPDATE SET retention_days = excluded.retention_days",
        (store_id, days),
    )


def cutoffs(now: float) -> Plan[dict[str, float]]:
    """Every store's purge cutoff: page views before it are past the store's retention."""
    rows = yield Stmt(
        "SELECT s.id, p.retention_days FROM stores s "
        "LEFT JOIN presence_settings p ON p.store_id = s.id"
    )
    return {
        r["id"]: rules.retention_cutoff(r["retention_days"] or rules.RETENTION_DEFAULT_DAYS, now)
        for r in rows
    }


def purge(before_by_store: dict[str, float]) -> Plan[int]:
    """Delete each store's page views older than its cutoff, and visitors not seen since (their
    counters go with their last page). Per store, so each delete is a range of an index."""
    deleted = 0
    for store_id, before in sorted(before_by_store.items()):
        pages = yield Stmt(
            "DELETE FROM visitor_pages WHERE store_id = ? AND at < ? RETURNING visit",
            (store_id, before),
        )
        yield Stmt(
            "DELETE FROM visitors WHERE store_id = ? AND last_seen < ? RETURNING visits",
            (store_id, before),
        )
        deleted += len(pages)
    return deleted
