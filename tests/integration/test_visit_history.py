"""Presence history (services/visit_log.py, storage/visits.py), on SQLite and on PostgreSQL: page
views are written in batches (one write per batch, never one per beat), read back as visits in
order, a visit starts after 30 minutes of silence, forgetting deletes everything, the retention
purge runs daily on the hub's clock, and one store never reads another's visitors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from cartstart_server.services import visit_log
from cartstart_server.services.visit_log import VisitLog
from cartstart_server.storage.sql import Plan, Stmt
from shared_protocol import ErrorCode, ProtocolError
from tests.helpers.counting import CountingDatabase
from tests.helpers.hubs import running_hub, seed_store
from tests.helpers.waiting import eventually

SHOP = "https://shop.example"
DAY = 86400.0


def visitor(n: int) -> str:
    return f"visitor-{n:015d}"  # 23 url-safe characters, like the widget's 128 random bits


def count(table: str, store_id: str | None = None) -> Plan[int]:
    where, params = ("WHERE store_id = ?", (store_id,)) if store_id else ("", ())
    rows = yield Stmt(f"SELECT COUNT(*) AS n FROM {table} {where}", params)
    return int(rows[0]["n"])


async def store(hub: Hub, name: str = "Harbour Ceramics") -> str:
    store_id, _ = await seed_store(hub, name, {"mug": 1}, origins=[SHOP])
    return store_id


async def stored(hub: Hub, table: str, rows: int) -> bool:
    return await hub.db.read(count(table)) == rows


def metric(hub: Hub, name: str, **labels: str) -> float:
    return hub.metrics.registry.get_sample_value(name, labels) or 0.0


async def test_page_views_are_one_write_per_batch_not_one_per_view_or_beat(
    hub: Hub, clock: FakeClock
) -> None:
    shop = await store(hub)
    db = CountingDatabase(hub.db)
    log = VisitLog(db, clock, hub.metrics)
    t0 = clock.now()
    for n in range(200):  # 800 rows: under the 1,000 that start a batch early
        for page in range(3):
            for beat in range(5):  # a beat every 15 s on each page
                at = t0 + page * 75 + beat * 15
                await log.seen(shop, visitor(n), f"{SHOP}/p{page}", f"Page {page}", at)
    assert (db.writes, db.reads) == (0, 200)  # one read per visitor this node did not know
    assert await hub.db.read(count("visitor_pages")) == 0
    assert await log.flush() == 600 + 200
    # One transaction; a few multi-row statements (500 rows each), not a statement per row.
    assert db.writes == 1 and db.write_statements == 2 + 1
    assert await hub.db.read(count("visitor_pages", shop)) == 600
    history = await log.history(shop, visitor(7))
    assert (history.visits, history.page_views, len(history.history)) == (1, 3, 1)
    assert await log.flush() == 0 and db.writes == 1  # nothing waiting, nothing written


async def test_the_hubs_log_writes_every_five_seconds_and_at_a_thousand_rows(
    hub: Hub, clock: FakeClock
) -> None:
    shop = await store(hub)
    for n in range(10):
        await hub.visits.seen(shop, visitor(n), f"{SHOP}/", "Home", clock.now())
    assert hub.visits.pending == 20  # 10 page views, 10 visitors' counters
    clock.advance(visit_log.FLUSH_EVERY - 0.5)
    await eventually(lambda: True)  # the batch is not due yet: let the loop run once
    assert await hub.db.read(count("visitor_pages")) == 0
    clock.advance(0.5)
    await eventually(
        lambda: stored(hub, "visitor_pages", 10), what="the batch written on the hub clock's 5 s"
    )
    assert metric(hub, "cartstart_visit_rows_total", table="pages") == 10
    # 1,000 rows waiting are written at once, without waiting for the clock.
    for n in range(10, 10 + visit_log.FLUSH_ROWS // 2):
        await hub.visits.seen(shop, visitor(n), f"{SHOP}/", "Home", clock.now())
    await eventually(
        lambda: stored(hub, "visitors", 10 + visit_log.FLUSH_ROWS // 2),
        what="the batch written at 1,000 rows",
    )
    assert hub.visits.pending == 0


async def test_history_reads_back_visits_and_pages_in_order(hub: Hub, clock: FakeClock) -> None:
    shop = await store(hub)
    ana = visitor(1)
    t0 = clock.now()
    first = await hub.visits.seen(shop, ana, f"{SHOP}/", "Home", t0)
    assert (first.visit, first.new_visit, first.new_page, first.page_views) == (1, True, True, 1)
    beat = await hub.visits.seen(shop, ana, f"{SHOP}/", "Home", t0 + 15)
    assert (beat.new_page, beat.page_views, beat.page_since) == (False, 1, t0)
    await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 20)
    await hub.visits.flush()
    await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 35)
    reload = await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 40, reload=True)
    assert (reload.new_page, reload.page_views) == (True, 3)
    hub.visits.left(shop, ana, t0 + 50)  # the tab closed: the page view ends (not written yet)
    history = await hub.visits.history(shop, ana)  # this node's unwritten rows are included
    (visit,) = history.history
    assert [(p.title, p.at, p.until) for p in visit.pages] == [
        ("Home", t0, t0 + 20),
        ("Mugs", t0 + 20, t0 + 40),
        ("Mugs", t0 + 40, t0 + 50),
    ]
    await hub.visits.flush()
    assert await hub.visits.history(shop, ana) == history  # the same once written
    assert (history.first_seen, history.last_seen, history.visits, history.page_views) == (
        t0,
        t0 + 50,
        1,
        3,
    )


async def test_a_new_visit_starts_after_thirty_minutes_without_a_beat(
    hub: Hub, clock: FakeClock
) -> None:
    shop = await store(hub)
    ana = visitor(2)
    t0 = clock.now()
    await hub.visits.seen(shop, ana, f"{SHOP}/", "Home", t0)
    await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 60)
    clock.advance(60 + 29 * 60)  # 29 minutes after the last beat: the same visit
    same = await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", clock.now())
    assert (same.visit, same.new_visit, same.new_page) == (1, False, False)
    clock.advance(30 * 60)
    again = await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", clock.now())
    assert (again.visit, again.new_visit, again.visit_started) == (2, True, clock.now())
    await hub.visits.flush()
    history = await hub.visits.history(shop, ana)
    assert (history.visits, history.page_views) == (2, 3)
    one, two = history.history
    assert [p.title for p in one.pages] == ["Home", "Mugs"]
    # The first visit's last page ended when its last beat was heard, not 30 minutes later.
    assert one.pages[-1].until == t0 + 60 + 29 * 60
    assert (two.number, two.started, [p.until for p in two.pages]) == (2, clock.now(), [None])


async def test_a_second_node_carries_on_the_visit_and_the_counts_agree(
    hub: Hub, clock: FakeClock
) -> None:
    """Two VisitLogs on one database are two hub nodes: a visitor whose connection moves
    carries on their visit, and neither node counts the other's page views or visits."""
    shop = await store(hub)
    ana = visitor(3)
    t0 = clock.now()
    node_a, node_b = VisitLog(hub.db, clock, hub.metrics), VisitLog(hub.db, clock, hub.metrics)
    await node_a.seen(shop, ana, f"{SHOP}/", "Home", t0)
    await node_a.flush()
    on_b = await node_b.seen(shop, ana, f"{SHOP}/", "Home", t0 + 15)  # the same page, reconnected
    assert (on_b.visit, on_b.new_visit, on_b.new_page, on_b.visit_started) == (1, False, False, t0)
    await node_b.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 30)
    await node_a.seen(shop, ana, f"{SHOP}/cups", "Cups", t0 + 31)  # a second tab on node A
    await node_b.flush()
    await node_a.flush()
    history = await VisitLog(hub.db, clock, hub.metrics).history(shop, ana)
    assert (history.visits, history.page_views) == (1, 3)
    pages = history.history[0].pages
    assert [(p.title, p.until) for p in pages] == [
        ("Home", t0 + 30),  # the earliest end either node heard
        ("Mugs", t0 + 31),
        ("Cups", None),
    ]
    # Back on node B after a minute on A: B reads what is stored rather than its memory.
    await node_a.seen(shop, ana, f"{SHOP}/cups", "Cups", t0 + 90)
    await node_a.flush()
    back = await node_b.seen(shop, ana, f"{SHOP}/cups", "Cups", t0 + 100)
    assert (back.new_page, back.page_since, back.page_views) == (False, t0 + 31, 3)


async def test_forget_deletes_everything_of_the_visitor(hub: Hub, clock: FakeClock) -> None:
    shop = await store(hub)
    ana, bea = visitor(4), visitor(5)
    t0 = clock.now()
    for who in (ana, bea):
        await hub.visits.seen(shop, who, f"{SHOP}/", "Home", t0)
    await hub.visits.flush()
    await hub.visits.seen(shop, ana, f"{SHOP}/mugs", "Mugs", t0 + 20)  # still in memory
    assert await hub.visits.forget(shop, ana) is True
    await hub.visits.flush()
    for table in ("visitor_pages", "visitors"):
        assert await hub.db.read(count(table)) == 1  # only Bea's
    with pytest.raises(ProtocolError) as refused:
        await hub.visits.history(shop, ana)
    assert refused.value.code is ErrorCode.NOT_FOUND
    assert await hub.visits.forget(shop, ana) is False  # nothing left; still no error
    # Coming back after being forgotten is a first visit.
    back = await hub.visits.seen(shop, ana, f"{SHOP}/", "Home", t0 + 40)
    assert (back.visit, back.page_views, back.first_seen) == (1, 1, t0 + 40)


async def test_another_store_cannot_read_or_forget_a_stores_visitors(
    hub: Hub, clock: FakeClock
) -> None:
    a = await store(hub, "Harbour Ceramics")
    b = await store(hub, "Second Shop")
    ana = visitor(6)
    await hub.visits.seen(a, ana, f"{SHOP}/secret-sale", "Secret sale", clock.now())
    for written in (False, True):
        if written:
            await hub.visits.flush()
        with pytest.raises(ProtocolError) as refused:
            await hub.visits.history(b, ana)
        assert refused.value.code is ErrorCode.NOT_FOUND
        assert "secret" not in refused.value.message.lower()
    assert await hub.visits.forget(b, ana) is False
    assert (await hub.visits.history(a, ana)).page_views == 1
    with pytest.raises(ProtocolError) as malformed:
        await hub.visits.history(a, "../../etc")
    assert malformed.value.code is ErrorCode.INVALID_MESSAGE


async def test_hostile_titles_and_urls_are_stored_as_given(hub: Hub, clock: FakeClock) -> None:
    shop = await store(hub)
    title = "<img src=x onerror=alert(1)>\"'; DROP TABLE visitors; -- \u202e\x1b"
    url = f"{SHOP}/search?q=%3Cscript%3E&x=\"'</title>"
    await hub.visits.seen(shop, visitor(7), url, title, clock.now())
    # NUL is the one character the database cannot hold (PostgreSQL): it must not fail the
    # batch that carries everyone else's rows.
    await hub.visits.seen(shop, visitor(8), f"{SHOP}/", "a\x00b", clock.now())
    await hub.visits.flush()
    (page,) = (await hub.visits.history(shop, visitor(7))).history[0].pages
    assert (page.title, page.url) == (title, url)  # escaping is the UI's job (textContent)
    (nul,) = (await hub.visits.history(shop, visitor(8))).history[0].pages
    assert nul.title == "a\ufffdb"
    assert await hub.db.read(count("visitors")) == 2


async def test_retention_purge_runs_daily_on_the_hub_clock(hub: Hub, clock: FakeClock) -> None:
    a = await store(hub, "Keeps a month")
    b = await store(hub, "Keeps a day")
    assert await hub.visits.retention_days(a) == 30
    await hub.visits.set_retention_days(b, 1)
    assert await hub.visits.retention_days(b) == 1
    t0 = clock.now()
    for shop in (a, b):
        await hub.visits.seen(shop, visitor(8), f"{SHOP}/", "Home", t0)
    await hub.visits.flush()
    clock.advance(2 * DAY)  # the first daily run is due (10 minutes after start)
    await eventually(
        lambda: metric(hub, "cartstart_visit_rows_purged_total") == 1, what="store B's day"
    )
    assert await hub.db.read(count("visitor_pages", b)) == 0
    assert await hub.db.read(count("visitors", b)) == 0
    assert await hub.db.read(count("visitor_pages", a)) == 1
    # A visitor still seen keeps their counters; pages past the period go.
    await hub.visits.seen(a, visitor(9), f"{SHOP}/", "Home", t0)
    await hub.visits.seen(a, visitor(9), f"{SHOP}/mugs", "Mugs", t0 + 60)
    await hub.visits.flush()
    clock.advance(27 * DAY + 3600)  # not yet 30 days since: the next run deletes nothing
    await hub.visits.seen(a, visitor(9), f"{SHOP}/mugs", "Mugs", clock.now())  # a new visit
    await hub.visits.flush()
    clock.advance(DAY)
    await eventually(
        lambda: metric(hub, "cartstart_visit_rows_purged_total") == 4,
        within=30.0,  # a month of the hub's hourly and daily tasks, on a loaded machine
        what="30 days later",
    )
    assert await hub.db.read(count("visitors", a)) == 1  # visitor 9 was seen in the period
    history = await hub.visits.history(a, visitor(9))
    assert (history.visits, history.page_views, len(history.history)) == (2, 3, 1)


async def test_retention_is_checked_and_belongs_to_a_store(hub: Hub) -> None:
    shop = await store(hub)
    for days in (0, 366):
        with pytest.raises(ProtocolError) as refused:
            await hub.visits.set_retention_days(shop, days)
        assert refused.value.code is ErrorCode.INVALID_MESSAGE
    with pytest.raises(ProtocolError) as unknown:
        await hub.visits.set_retention_days("st-nope", 10)
    assert unknown.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(ProtocolError) as unknown:
        await hub.visits.retention_days("st-nope")
    assert unknown.value.code is ErrorCode.NOT_FOUND
    await hub.visits.set_retention_days(shop, 365)
    await hub.visits.set_retention_days(shop, 7)  # set again: replaced
    assert await hub.visits.retention_days(shop) == 7


async def test_stopping_the_hub_writes_what_waits(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> None:
    async with running_hub(tmp_path, clock, **backend_settings) as first:
        shop = await store(first)
        await first.visits.seen(shop, visitor(10), f"{SHOP}/", "Home", clock.now())
        assert first.visits.pending == 2
    async with running_hub(tmp_path, clock, **backend_settings) as second:
        assert (await second.visits.history(shop, visitor(10))).page_views == 1
