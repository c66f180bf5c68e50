"""The live visitor list (services/presence.py, docs/agents.md), on SQLite with the memory roster
and on PostgreSQL with Redis: pages report presence on /ws/page (or over HTTP), desks list the
store's visitors and hear them change, a beat never writes SQL, "forget me" deletes everything
everywhere, a foreign page or another store's agent gets nothing, silent visitors leave after
45 s, and two nodes share one list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.domain.topics import roster_visitors
from cartstart_server.hub import Hub
from cartstart_server.server import HubServer
from cartstart_server.services.presence import Presence
from cartstart_server.services.visit_log import VisitLog
from cartstart_server.storage.sql import Plan, Stmt
from shared_protocol.page import PresenceReport as Report
from tests.conftest import Nodes
from tests.helpers.counting import CountingDatabase
from tests.helpers.hubs import hub_config, running_hub, seed_store
from tests.helpers.peers import Peer, link_token, peer, sign_up
from tests.helpers.services import start_redis, stop_redis
from tests.helpers.waiting import eventually, free_port
from tests.integration.test_desk import ORIGIN, desk, next_of, shop_with_agent, workspace
from tests.integration.test_visit_history import count, metric

OTHER = "https://other.example"
VISITOR = "AAAAAAAAAAAAAAAAAAAAAA"  # 22 base64url characters: 128 bits, as the widget makes


def visitor(n: int) -> str:
    return f"v{n:021d}"


def report(store_id: str, vid: str = VISITOR, **fields: Any) -> dict[str, Any]:
    """A presence message as the widget sends it (browser times well before the hub's clock)."""
    message = {
        "type": "presence",
        "store_id": store_id,
        "visitor_id": vid,
        "url": f"{ORIGIN}/mugs",
        "title": "Mugs",
        "state": "active",
        "site_since": 1_700_000_000.0,
        "page_since": 1_700_000_000.0,
        "tz": "Europe/Lisbon",
        "lang": "pt-PT",
    }
    message.update(fields)
    return message


@asynccontextmanager
async def shop_page(
    server: HubServer, token: str | None = None, origin: str = ORIGIN
) -> AsyncIterator[Peer]:
    async with peer(server, "page", additional_headers={"Origin": origin}) as page:
        await page.hello(token)
        yield page


async def handled(page: Peer, store_id: str) -> None:
    """Everything sent before was handled (a page's messages are handled in order)."""
    await page.send({"type": "watch_talk", "store_id": store_id})
    await page.expect("talk")


async def changes(d: Peer) -> dict[str, dict[str, Any]]:
    """The next visitors_changed frame: visitor id -> change."""
    frame = await next_of(d, "visitors_changed")
    assert frame["now"] > 0
    return {c["visitor_id"]: c for c in frame["changes"]}


async def test_a_visitor_appears_moves_idles_and_goes_offline(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    async with desk(server, signed["token"]) as (d, snap):
        assert snap["visitors"] == [] and snap["now"] == clock.now()
        t0 = clock.now()
        async with shop_page(server) as page:
            await page.send(report(store_id))
            seen = (await changes(d))[VISITOR]["visitor"]
            assert (seen["url"], seen["title"], seen["status"]) == (
                f"{ORIGIN}/mugs",
                "Mugs",
                "active",
            )
            assert (seen["site_since"], seen["page_since"], seen["visits"]) == (t0, t0, 1)
            assert (seen["tz"], seen["lang"], seen["country"], seen["cart_ref"]) == (
                "Europe/Lisbon", "pt-PT", None, None,
            )  # fmt: skip
            clock.advance(15)
            await page.send(report(store_id))  # a plain beat: nothing new for the desks
            await handled(page, store_id)
            clock.advance(5)
            await page.send(report(store_id, url=f"{ORIGIN}/mugs/blue", title="<b>Blue</b> mug",
                                   page_since=1_700_000_020.0))  # fmt: skip
            moved = (await changes(d))[VISITOR]["visitor"]
            assert (moved["url"], moved["title"], moved["page_views"]) == (
                f"{ORIGIN}/mugs/blue", "<b>Blue</b> mug", 2,
            )  # fmt: skip
            assert (moved["site_since"], moved["page_since"]) == (t0, t0 + 20)
            await page.send(report(store_id, url=f"{ORIGIN}/mugs/blue", state="idle",
                                   page_since=1_700_000_020.0))  # fmt: skip
            assert (await changes(d))[VISITOR]["visitor"]["status"] == "idle"
            again, _ = await sync_visitors(d)
            assert [v["visitor_id"] for v in again] == [VISITOR]
        gone = (await changes(d))[VISITOR]
        assert gone["visitor"]["status"] == "offline" and gone["gone"] is False
        clock.advance(46)  # the sweeper: no beat for 45 s
        assert (await changes(d))[VISITOR] == {"visitor_id": VISITOR, "visitor": None, "gone": True}


async def closed_on_hub(server: HubServer, store_id: str, vid: str) -> None:
    """The hub handled the page's close (before the test moves the clock on)."""

    async def offline() -> bool:
        entry = await server.hub.roster.get(roster_visitors(store_id), vid)
        return entry is None or '"st":"offline"' in entry

    await eventually(offline, within=5, what="the page's close reached the hub")


async def sync_visitors(d: Peer, n: int = 1) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    await d.send({"type": "sync", "id": f"sync-visitors-{n:04d}"})
    snap = await next_of(d, "desk_snapshot")
    return snap["visitors"], snap


async def test_the_list_is_longest_on_the_site_first_and_a_silent_page_leaves(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    async with shop_page(server) as first, shop_page(server) as second:
        await first.send(report(store_id, visitor(1)))
        await handled(first, store_id)
        clock.advance(30)
        await second.send(report(store_id, visitor(2)))
        await handled(second, store_id)
        async with desk(server, signed["token"]) as (d, snap):
            assert [v["visitor_id"] for v in snap["visitors"]] == [visitor(1), visitor(2)]
            clock.advance(20)
            await second.send(report(store_id, visitor(2)))  # only the second keeps beating
            await handled(second, store_id)
            clock.advance(30)  # the first: 50 s without a beat, though its page is open
            while visitor(1) not in (left := await changes(d)):
                pass  # the second's arrival may still be on its way (gathered for 250 ms)
            assert left[visitor(1)]["gone"] is True
            assert visitor(2) not in left or left[visitor(2)]["visitor"]["status"] == "active"
            listed, _ = await sync_visitors(d)
            assert [v["visitor_id"] for v in listed] == [visitor(2)]


async def test_beats_never_write_sql_history_goes_in_batches(hub: Hub, clock: FakeClock) -> None:
    store_id, _ = await seed_store(hub, "Shop", {"mug": 1}, origins=[ORIGIN])
    db = CountingDatabase(hub.db)
    log = VisitLog(db, clock, hub.metrics)
    presence = Presence(db, hub.roster, hub.broker, clock, log, hub.origins, hub.availability)
    await hub.db.write(turn_on(store_id))
    for beat in range(8):  # 8 visitors x 8 beats, every 15 s, a new page every other beat
        clock.advance(15)
        for n in range(8):
            page = beat // 2
            msg = Report.model_validate(
                report(
                    store_id, visitor(n), url=f"{ORIGIN}/p{page}", page_since=1_700_000_000.0 + page
                )
            )
            await presence.report(msg, origin=ORIGIN)
    assert db.writes == 0  # 64 beats, 32 page views: nothing written yet
    listed = await presence.visitors(store_id)
    assert len(listed) == 8 and {v.page_views for v in listed} == {4}
    await log.flush()
    assert db.writes == 1  # one batch
    assert await hub.db.read(count("visitor_pages", store_id)) == 32
    await presence.stop()


def turn_on(store_id: str) -> Plan[None]:
    """The workspace switch, as the owner's Page settings set it."""
    yield Stmt(
        "INSERT INTO live_settings (store_id, enabled, style, workspace) VALUES (?, 0, '{}', 1) "
        "ON CONFLICT (store_id) DO UPDATE SET workspace = 1",
        (store_id,),
    )


async def test_forget_me_over_the_page_channel(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    hub = server.hub
    async with desk(server, signed["token"]) as (d, _), shop_page(server) as page:
        await page.send(report(store_id))
        await changes(d)
        clock.advance(20)
        await page.send(report(store_id, url=f"{ORIGIN}/cups", page_since=1_700_000_020.0))
        await changes(d)
        await hub.visits.flush()
        assert await hub.db.read(count("visitor_pages", store_id)) == 2
        clock.advance(3)
        await page.send(report(store_id, url=f"{ORIGIN}/jugs", page_since=1_700_000_023.0))
        await changes(d)  # this page view is only in memory so far
        await page.send(
            {"type": "forget_me", "id": "forget-0001", "store_id": store_id, "visitor_id": VISITOR}
        )
        forgotten = await page.expect("forgotten")
        assert forgotten == {"type": "forgotten", "id": "forget-0001", "store_id": store_id,
                             "visitor_id": VISITOR, "had": True}  # fmt: skip
        assert (await changes(d))[VISITOR]["gone"] is True
        await hub.visits.flush()
        assert await hub.db.read(count("visitor_pages", store_id)) == 0
        assert await hub.db.read(count("visitors", store_id)) == 0
        assert await hub.roster.all(roster_visitors(store_id)) == {}
        await d.send({"type": "visitor_details", "id": "details-0001", "visitor_id": VISITOR})
        error = await next_of(d, "error")
        assert error["code"] == "not_found" and error["id"] == "details-0001"
    # Over HTTP too (a page without a WebSocket): nothing left is said as such.
    r = await http.delete(f"/api/page/visitors/{store_id}/{VISITOR}", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.json()["had"] is False
    assert r.headers["access-control-allow-origin"] == ORIGIN
    r = await http.delete(f"/api/page/visitors/{store_id}/not-an-id", headers={"Origin": ORIGIN})
    assert r.status_code == 422 and "visitor id" in r.json()["error"]["message"]
    r = await http.options(
        f"/api/page/visitors/{store_id}/{VISITOR}",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"},
    )
    assert "DELETE" in r.headers["access-control-allow-methods"]


async def test_foreign_pages_and_urls_are_refused_and_the_page_goes_on(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, key, signed = await shop_with_agent(server, http)
    other_store, _ = await seed_store(server.hub, "Other", {"cup": 1}, origins=[OTHER])
    async with desk(server, signed["token"]) as (d, _), shop_page(server) as page:
        await page.send(report(store_id, url=f"{OTHER}/mugs"))  # another site's address
        error = await page.expect("error")
        assert error["code"] == "forbidden" and "another site" in error["message"]
        await page.send(report(other_store))  # a store that did not register this site
        error = await page.expect("error")
        assert (
            error["code"] == "forbidden"
            and "not on a site this store registered" in error["message"]
        )
        await page.send(report(store_id, url="javascript:alert(1)"))
        assert (await page.expect("error"))["code"] == "invalid_message"
        await page.send(report(store_id, visitor_id="short"))
        assert "visitor id" in (await page.expect("error"))["message"]
        # The connection is still usable, and a good report goes through.
        await page.send(report(store_id))
        assert VISITOR in await changes(d)
        clock.advance(1)  # a second report within 2 s, same page and state: refused
        await page.send(report(store_id))
        limited = await page.expect("error")
        assert limited["code"] == "rate_limited" and "2 seconds" in limited["message"]
        # A new page is heard at once (a quick click must not wait for the next beat).
        await page.send(report(store_id, url=f"{ORIGIN}/cups"))
        assert (await changes(d))[VISITOR]["visitor"]["url"] == f"{ORIGIN}/cups"
        await page.send(report(store_id, url=f"{ORIGIN}/cups", state="idle"))  # so is a state
        assert (await changes(d))[VISITOR]["visitor"]["status"] == "idle"
        # /metrics counts the reports taken (refusals are not) and the changes told to desks.
        assert metric(server.hub, "cartstart_presence_reports_total") == 3
        assert metric(server.hub, "cartstart_presence_told_total") == 3
        # With the workspace off, pages report nothing.
        await workspace(http, store_id, key, False)
        clock.advance(3)
        await page.send(report(store_id))
        off = await page.expect("error", within=5)
        assert off["code"] == "forbidden" and "workspace" in off["message"]
    async with shop_page(server, origin=OTHER) as foreign:
        await foreign.send(report(store_id, visitor(9)))
        assert (await foreign.expect("error"))["code"] == "forbidden"
        await foreign.send({"type": "forget_me", "id": "forget-0002", "store_id": store_id,
                            "visitor_id": VISITOR})  # fmt: skip
        assert (await foreign.expect("error"))["code"] == "forbidden"


async def test_another_stores_agent_sees_none_of_its_visitors(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    a_id, _, ana = await shop_with_agent(server, http, name="Harbour")
    _, _, bo = await shop_with_agent(server, http, name="Lantern")
    async with desk(server, bo["token"]) as (b_desk, _), desk(server, ana["token"]) as (a_desk, _):
        async with shop_page(server) as page:
            await page.send(report(a_id))
            assert VISITOR in await changes(a_desk)
        await b_desk.send({"type": "visitor_details", "id": "details-b-01", "visitor_id": VISITOR})
        refused = await b_desk.recv()  # nothing of Harbour came before the refusal
        assert refused["type"] == "error" and refused["code"] == "not_found", refused
        visitors, _ = await sync_visitors(b_desk)
        assert visitors == []


async def test_details_list_earlier_visits_and_the_carts_holds(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    alice = await sign_up(http, "alice@example.org")
    token = await link_token(http, alice)
    t0 = clock.now()
    async with shop_page(server) as page:  # a first visit, not connected to a cart
        await page.send(report(store_id, title="Mugs <script>"))
        await handled(page, store_id)
    await closed_on_hub(server, store_id, VISITOR)
    clock.advance(3600)  # an hour later: a second visit, connected to Alice's cart
    async with shop_page(server, token) as page, desk(server, signed["token"]) as (d, _):
        added = await page.command({"type": "add_to_cart", "id": "add-00000001",
                                    "store_id": store_id, "product_id": "mug"})  # fmt: skip
        assert added["type"] == "result", added
        await page.send(
            report(store_id, url=f"{ORIGIN}/", title="Home", page_since=1_700_003_600.0)
        )
        while (now := (await changes(d))[VISITOR]["visitor"]) is None or now["url"] != f"{ORIGIN}/":
            pass  # the first visit's end may reach this desk first (gathered for 250 ms)
        assert now["visits"] == 2 and now["cart_ref"] and len(now["cart_ref"]) == 16
        await d.send({"type": "visitor_details", "id": "details-0001", "visitor_id": VISITOR})
        details = await next_of(d, "visitor_details")
        assert (details["visits"], details["page_views"], details["first_seen"]) == (2, 2, t0)
        first, second = details["history"]
        assert first["number"] == 1 and first["pages"][0]["title"] == "Mugs <script>"
        assert first["pages"][0]["until"] == t0  # closed at once
        assert second["number"] == 2 and second["pages"][0]["url"] == f"{ORIGIN}/"
        assert details["cart_ref"] == now["cart_ref"]
        (hold,) = details["holds"]
        assert (hold["product_id"], hold["qty"], hold["cart_ref"]) == ("mug", 1, now["cart_ref"])
        assert "cart_id" not in hold and alice.cart_id not in str(details)


async def test_presence_over_http_for_pages_without_a_websocket(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    store_id, _, signed = await shop_with_agent(server, http)
    async with desk(server, signed["token"]) as (d, _):
        r = await http.post("/api/page/presence", json=report(store_id), headers={"Origin": ORIGIN})
        assert r.status_code == 204, r.text
        assert r.headers["access-control-allow-origin"] == ORIGIN
        assert (await changes(d))[VISITOR]["visitor"]["url"] == f"{ORIGIN}/mugs"
        r = await http.post("/api/page/presence", json=report(store_id), headers={"Origin": ORIGIN})
        assert r.status_code == 429 and "2 seconds" in r.json()["error"]["message"]
        bad = report(store_id, url=f"{OTHER}/x")
        r = await http.post("/api/page/presence", json=bad, headers={"Origin": ORIGIN})
        assert r.status_code == 403
        clock.advance(46)  # no connection to close: beats stopping is what says they left
        assert (await changes(d))[VISITOR]["gone"] is True


@pytest.mark.backends("postgres")
async def test_two_nodes_a_visitor_on_a_is_in_the_list_of_an_agent_on_b(
    nodes: Nodes, clock: FakeClock
) -> None:
    a, b = nodes
    async with httpx.AsyncClient(base_url=a.http_url) as http_a:
        store_id, _, signed = await shop_with_agent(a, http_a)
    async with desk(b, signed["token"]) as (d, _):
        async with shop_page(a) as page:
            await page.send(report(store_id))
            seen = (await changes(d))[VISITOR]["visitor"]
            assert seen["url"] == f"{ORIGIN}/mugs" and seen["status"] == "active"
            listed, _ = await sync_visitors(d)
            assert [v["visitor_id"] for v in listed] == [VISITOR]
            # Forgotten through node B: node A drops what it buffered, nothing is written later.
            assert a.hub.visits.pending > 0
            async with httpx.AsyncClient(base_url=b.http_url) as http_b:
                r = await http_b.delete(
                    f"/api/page/visitors/{store_id}/{VISITOR}", headers={"Origin": ORIGIN}
                )
                assert r.status_code == 200 and r.json()["had"] is True
            assert (await changes(d))[VISITOR]["gone"] is True
            await eventually_pending_zero(a.hub)
            await a.hub.visits.flush()
            assert await a.hub.db.read(count("visitor_pages", store_id)) == 0
        # A silent visitor is swept once, by whichever node drops it first.
        async with shop_page(a) as page:
            await page.send(report(store_id, visitor(2)))
            assert visitor(2) in await changes(d)
            clock.advance(46)
            left = await changes(d)
            assert left[visitor(2)]["gone"] is True
            _, snap = await sync_visitors(d, 2)
            assert snap["visitors"] == []


async def eventually_pending_zero(hub: Hub) -> None:
    await eventually(lambda: hub.visits.pending == 0, within=5, what="node A forgot the visitor")


@pytest.mark.backends("postgres")
async def test_after_a_redis_restart_the_desk_reads_again_and_beats_refill_the_list(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    port, directory = free_port(), tmp_path / "redis"
    directory.mkdir()
    start_redis(directory, port)
    settings = {**backend_settings, "redis_url": f"redis://127.0.0.1:{port}/0"}
    try:
        async with (
            HubServer(hub_config(tmp_path / "hub", **settings), clock=clock) as server,
            httpx.AsyncClient(base_url=server.http_url) as http,
        ):
            store_id, _, signed = await shop_with_agent(server, http)
            async with desk(server, signed["token"]) as (d, _), shop_page(server) as page:
                await page.send(report(store_id))
                assert VISITOR in await changes(d)
                stop_redis(port)
                start_redis(directory, port)  # empty: the roster forgot everyone
                while (reread := await d.recv(15))["type"] != "desk_snapshot":
                    pass  # MISSED: the desk reads everything again
                assert reread["visitors"] == []
                clock.advance(15)
                await page.send(report(store_id))  # the next beat puts the visitor back
                back = (await changes(d))[VISITOR]["visitor"]
                assert back["url"] == f"{ORIGIN}/mugs" and back["visits"] == 1
    finally:
        stop_redis(port)


async def test_with_a_geoip_database_the_list_shows_a_country(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet  # type: ignore[import-untyped]

    database = tmp_path / "countries.mmdb"
    writer = MMDBWriter(ip_version=4, database_type="GeoIP2-Country")
    writer.insert_network(IPSet(["81.2.69.0/24"]), {"country": {"iso_code": "GB"}})
    writer.to_db_file(str(database))
    async with running_hub(tmp_path / "hub", clock, geoip_database=database,
                           **backend_settings) as hub:  # fmt: skip
        store_id, _ = await seed_store(hub, "Shop", {"mug": 1}, origins=[ORIGIN])
        await hub.db.write(turn_on(store_id))
        for n, peer_address in enumerate(["81.2.69.142", "127.0.0.1", "8.8.8.8"]):
            message = Report.model_validate(report(store_id, visitor(n)))
            await hub.presence.report(message, origin=ORIGIN, peer=peer_address)
        listed = {v.visitor_id: v.country for v in await hub.presence.visitors(store_id)}
        assert listed == {visitor(0): "GB", visitor(1): None, visitor(2): None}


@pytest.mark.parametrize("waits", ["before its history is read", "after its history is read"])
async def test_a_beat_in_flight_when_the_visitor_is_forgotten_writes_nothing_back(
    server: HubServer, http: httpx.AsyncClient, clock: FakeClock, waits: str
) -> None:
    """ "Forget me" at the instant a beat of the same visitor is being handled: the beat is held
    inside the visit log (a real one, on a real database) while the forget runs, then let go.
    Nothing of the visitor is written back, neither history nor the list's entry."""
    store_id, _, _ = await shop_with_agent(server, http)
    hub = server.hub
    await hub.presence.report(Report.model_validate(report(store_id)), origin=ORIGIN)
    await hub.visits.flush()
    assert await hub.db.read(count("visitors", store_id)) == 1
    real_seen = hub.visits.seen
    inside, go_on = asyncio.Event(), asyncio.Event()

    async def held(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        if waits.startswith("before"):
            await go_on.wait()
        seen = await real_seen(*args, **kwargs)
        if waits.startswith("after"):
            await go_on.wait()
        return seen

    hub.visits.seen = held  # type: ignore[method-assign]
    clock.advance(3)
    beat = asyncio.ensure_future(
        hub.presence.report(
            Report.model_validate(
                report(store_id, url=f"{ORIGIN}/cups", page_since=1_700_000_003.0)
            ),
            origin=ORIGIN,
        )
    )
    await inside.wait()
    assert await hub.presence.forget(store_id, VISITOR, origin=ORIGIN)
    go_on.set()
    await beat
    await hub.visits.flush()
    assert await hub.db.read(count("visitors", store_id)) == 0
    assert await hub.db.read(count("visitor_pages", store_id)) == 0
    assert await hub.roster.all(roster_visitors(store_id)) == {}
