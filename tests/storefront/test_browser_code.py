"""The browser code as built and as written: one served file, same-id retries, the backoff rule."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.async_api import Browser, Request, WebSocketRoute, expect

from cartstart_desktop.core.session import CartSession
from storefront_templates import STATIC_DIR
from tests.helpers.waiting import eventually
from tests.storefront.conftest import Shop, new_page
from tests.storefront.test_widget import add_button, availability, link_token

SRC = STATIC_DIR.parent / "src"


async def test_a_store_page_loads_the_widget_as_one_file(browser: Browser, shop: Shop) -> None:
    scripts: list[str] = []
    page = await new_page(browser)
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    await page.goto(shop.page_url("/products/mug"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    assert scripts == [f"{shop.hub.http_url}/static/cartstart.js"]


async def test_an_add_whose_answer_is_lost_is_sent_again_with_the_same_id_and_adds_once(
    browser: Browser, shop: Shop, cart: CartSession
) -> None:
    """The hub applies the add, the connection drops before its result reaches the page: the
    page sends the same command again (here over HTTP, before the WebSocket is back) and the
    hub answers with the stored result instead of adding a second unit."""
    on_socket: list[dict[str, Any]] = []
    dropped: list[str] = []

    async def relay(ws: WebSocketRoute) -> None:
        hub = ws.connect_to_server()

        def to_hub(message: str | bytes) -> None:
            data = json.loads(message)
            if data.get("type") == "add_to_cart":
                on_socket.append(data)
            hub.send(message)

        async def to_page(message: str | bytes) -> None:
            data = json.loads(message)
            if data.get("type") == "result" and not dropped:
                dropped.append(data["id"])
                await ws.close()  # the result never reaches the page
                return
            ws.send(message)

        ws.on_message(to_hub)
        hub.on_message(to_page)

    over_http: list[dict[str, Any]] = []

    def record(request: Request) -> None:
        if request.url.endswith("/api/page/commands") and request.method == "POST":
            over_http.append(json.loads(request.post_data or "{}"))

    token = await link_token(cart, shop.store_id)
    page = await new_page(browser)
    await page.route_web_socket(re.compile(r".*/ws/page"), relay)
    page.on("request", record)
    await page.goto(shop.page_url(f"/products/mug#cartstart={token}"))
    await expect(availability(page, "mug")).to_have_text("5 available")
    await add_button(page, "mug").click()
    await expect(availability(page, "mug")).to_have_text("In your cart (1) · 4 more available")
    sent = on_socket + over_http
    assert len(dropped) == 1 and len(sent) == 2
    assert {c["id"] for c in sent} == set(dropped)
    await eventually(lambda: len(cart.local.state.items) == 1, what="the cart receives the pick")
    (item,) = cart.local.state.items.values()
    assert item.ticket.qty == 1
    await page.reload()
    await expect(availability(page, "mug")).to_have_text("In your cart (1) · 4 more available")


@pytest.fixture
def source_site() -> Iterator[str]:
    """storefront_templates/src/ served as it is: the modules run without a build."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(SRC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_the_one_backoff_rule_of_the_browser_code(browser: Browser, source_site: str) -> None:
    """The rule of shared_protocol/backoff.py (tests/unit/test_backoff.py), in the browser."""
    page = await new_page(browser)
    await page.goto(source_site + "/")
    result = await page.evaluate(
        """async () => {
            const { Backoff, RECONNECT, COMMAND_RETRY } = await import('/shared/backoff.js');
            let seed = 1;
            const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
            const jittered = new Backoff({ base: 1000, cap: 8000 }, random);
            const delays = Array.from({ length: 20 }, () => jittered.next());
            jittered.reset();
            const exact = new Backoff({ base: 2000, cap: 3600000, jitter: false });
            const lowest = new Backoff(RECONNECT, () => 0);
            return {
                delays,
                afterReset: jittered.next(),
                exact: [1, 2, 3, 4, 12, 10000].map((n) => exact.delay(n)),
                lowest: [1, 2, 6].map((n) => lowest.delay(n)),
                retries: [1, 2, 3].map((n) => new Backoff(COMMAND_RETRY).ceiling(n)),
            };
        }"""
    )
    delays = result["delays"]
    assert all(500 <= d <= 8000 for d in delays)
    assert max(delays[:2]) <= 2000 and max(delays[-5:]) > 4000
    assert len(set(delays)) == len(delays)
    assert 500 <= result["afterReset"] <= 1000
    assert result["exact"] == [2000, 4000, 8000, 16000, 3600000, 3600000]
    assert result["lowest"] == [500, 500, 500]  # never sooner than base/2: a crowd spreads out
    assert result["retries"] == [500, 1000, 2000]


async def test_every_end_reason_has_words_in_the_browser_and_the_desktop(
    browser: Browser, source_site: str
) -> None:
    """Each `end_reason` of shared_protocol/calls.py says why in words (src/shared/call-words.js),
    the same words as the desktop cart's (cartstart_desktop/core/call.py), never the fallback."""
    from typing import get_args

    from cartstart_desktop.core.call import ended_words
    from shared_protocol.calls import CallInfo, EndReason

    reasons = list(get_args(EndReason))
    assert {"credit_exhausted", "interrupted"} <= set(reasons)
    page = await new_page(browser)
    await page.goto(source_site + "/")
    said = await page.evaluate(
        """async (reasons) => {
            const { endedWords } = await import('/shared/call-words.js');
            const call = (end_reason) => ({ call_id: 'c', started_by: 'visitor', state: 'ended',
                created_at: 1, answered_at: 2, end_reason, ended_by: null, duration: 7 });
            return Object.fromEntries(reasons.map((r) => [r, endedWords(call(r), 'visitor', 'Harbour')]));
        }""",
        reasons,
    )
    fallback = "Harbour hung up. The call lasted 0:07."
    for reason in reasons:
        info = CallInfo(
            call_id="c",
            started_by="visitor",
            state="ended",
            created_at=1.0,
            answered_at=2.0,
            end_reason=reason,
            ended_by=None,
            duration=7.0,
        )
        desktop = ended_words(info, "Harbour")
        if reason != "hung_up":
            assert said[reason] != fallback and desktop != fallback, reason
    assert said["credit_exhausted"] == ended_words(
        CallInfo(
            call_id="c",
            started_by="visitor",
            state="ended",
            created_at=1.0,
            answered_at=2.0,
            end_reason="credit_exhausted",
            duration=7.0,
        ),
        "Harbour",
    )
    assert "support credit ran out" in said["credit_exhausted"]
    assert "lost it in a fault" in said["interrupted"]
