"""The marketplace's page and its words over HTTP (cartstart_server/transport/http_market_pages.py):
`GET /api/market/i18n/{lang}` is shared_protocol.i18n's `market` catalogue for that language, and
`/market/` is the page itself, never framed by another site."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from shared_protocol import i18n
from tests.helpers.hubs import hub_config


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with HubServer(hub_config(tmp_path), clock=FakeClock(start=time.time())) as hub:
        async with httpx.AsyncClient(base_url=hub.http_url, timeout=10) as client:
            yield client


async def test_serbian_words_are_the_catalogue_with_plural_forms(http: httpx.AsyncClient) -> None:
    r = await http.get("/api/market/i18n/sr")
    assert r.status_code == 200
    words = r.json()
    assert words == i18n.catalogue("market", "sr")
    assert words["Search"] == "Pretraga"
    plural = words["{n} line"]
    assert set(plural) == {"one", "few", "other"}
    assert plural["one"] != plural["other"]


async def test_english_needs_no_words(http: httpx.AsyncClient) -> None:
    r = await http.get("/api/market/i18n/en")
    assert r.status_code == 200
    assert r.json() == {}


@pytest.mark.parametrize("lang", ["de", "xx"])
async def test_a_language_the_marketplace_does_not_speak_is_404(
    http: httpx.AsyncClient, lang: str
) -> None:
    r = await http.get(f"/api/market/i18n/{lang}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("lang", ["SR", "s", "sr-Latn", "<script>"])
async def test_a_malformed_language_is_refused_with_a_reason(
    http: httpx.AsyncClient, lang: str
) -> None:
    r = await http.get(f"/api/market/i18n/{lang}")
    assert r.status_code in (404, 422)
    assert r.json()["error"]["code"] in ("invalid_message", "not_found")


async def test_the_page_is_served_at_market_and_never_framed(http: httpx.AsyncClient) -> None:
    r = await http.get("/market/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert 'src="../static/market.js"' in r.text
    moved = await http.get("/market")
    assert moved.status_code in (307, 308) and moved.headers["location"] == "/market/"
    found = (await http.get("/.well-known/cartstart.json")).json()
    assert found["market_url"].endswith("/market/")
    bundle = await http.get("/static/market.js")
    assert bundle.status_code == 200
