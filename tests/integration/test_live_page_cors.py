"""The widget's "Shop live with us" entry asks, from the store's own site, whether the store's
live page is on (GET /api/live/stores/{id}): readable by the sites stores registered, as every
other page call is; nothing else of live selling is opened to other sites."""

from __future__ import annotations

import httpx

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store

SHOP = "http://shop.example:8750"
EVIL = "https://evil.example"


async def test_a_registered_site_reads_whether_the_live_page_is_on(
    server: HubServer, http: httpx.AsyncClient
) -> None:
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1}, origins=[SHOP])
    r = await http.get(f"/api/live/stores/{store_id}", headers={"Origin": SHOP})
    assert r.status_code == 200 and r.json()["store_name"] == "Shop"
    assert r.headers["access-control-allow-origin"] == SHOP
    # Another site is told why not (as /api/page/ does), and reads nothing of the store.
    r = await http.get(f"/api/live/stores/{store_id}", headers={"Origin": EVIL})
    assert r.status_code == 403 and "store_name" not in r.text
    # The page turned off: the registered site reads 404 (the entry stays away).
    auth = {"Authorization": f"Bearer {key}"}
    r = await http.put(f"/api/stores/{store_id}/live", json={"enabled": False}, headers=auth)
    assert r.status_code == 200, r.text
    r = await http.get(f"/api/live/stores/{store_id}", headers={"Origin": SHOP})
    assert r.status_code == 404 and r.headers["access-control-allow-origin"] == SHOP
    # Sessions, search and the store's own live routes stay closed to other sites' scripts.
    for path in (f"/api/live/stores/{store_id}/search?q=mug", f"/api/stores/{store_id}/live"):
        r = await http.get(path, headers={"Origin": SHOP, **auth})
        assert "access-control-allow-origin" not in r.headers, path
