"""Origins as browsers send them, and the cached policy."""

from __future__ import annotations

import asyncio

import pytest

from cartstart_server.domain.origins import normalize_origin
from cartstart_server.services.origins import OriginPolicy
from shared_protocol import ProtocolError


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("https://Shop.Example", "https://shop.example"),
        ("https://shop.example:443", "https://shop.example"),
        ("http://shop.example:80", "http://shop.example"),
        ("http://127.0.0.1:8750", "http://127.0.0.1:8750"),
        ("http://[::1]:8750", "http://[::1]:8750"),
        ("null", None),  # sandboxed frames and file:// pages
        ("https://shop.example/path", None),
        ("ftp://shop.example", None),
        ("https://shop.example:99999", None),
    ],
)
def test_normalize_origin(raw: str, normal: str | None) -> None:
    assert normalize_origin(raw) == normal


async def test_the_policy_reads_once_per_ttl_and_forgets_on_request() -> None:
    loads = 0
    registered = {"st1": ("https://shop.example",)}
    now = [0.0]

    async def load() -> dict[str, tuple[str, ...]]:
        nonlocal loads
        loads += 1
        return dict(registered)

    policy = OriginPolicy(load, ttl=5, monotonic=lambda: now[0])
    await policy.check_page("https://SHOP.example:443")
    await policy.check_store("st1", "https://shop.example")
    await policy.check_page(None)  # not a browser page: always allowed
    assert loads == 1
    with pytest.raises(ProtocolError, match="not on a site the store registered"):
        await policy.check_store("st2", "https://shop.example")
    registered["st2"] = ("https://two.example",)
    with pytest.raises(ProtocolError):
        await policy.check_page("https://two.example")  # still the cached view
    policy.forget()
    await policy.check_page("https://two.example")
    now[0] = 6.0
    await policy.check_page("https://two.example")
    assert loads == 3


async def test_callers_that_find_the_view_stale_together_share_one_read() -> None:
    loads = 0
    gate = asyncio.Event()

    async def load() -> dict[str, tuple[str, ...]]:
        nonlocal loads
        loads += 1
        await gate.wait()  # the read is in flight while the other callers arrive
        return {f"st{i}": (f"https://shop{i}.example",) for i in range(200)}

    policy = OriginPolicy(load, ttl=5)
    waiting = [asyncio.create_task(policy.origins_of(f"st{i}")) for i in range(50)]
    await asyncio.sleep(0)
    gate.set()
    found = await asyncio.gather(*waiting)
    assert loads == 1
    assert found[7] == frozenset({"https://shop7.example"})


def test_the_hubs_own_pages_and_a_shops_registered_sites() -> None:
    from cartstart_server.domain import identity as rules

    hub = ("http://127.0.0.1:8740", "https://hub.example/base/")
    for own in (None, "http://127.0.0.1:8740", "HTTPS://hub.example:443"):
        rules.check_hub_page(own, hub)  # no Origin (no page script), or the hub's own
    for other in ("https://shop.example", "http://127.0.0.1:8741", "null"):
        with pytest.raises(ProtocolError, match="only on the hub's own connect page"):
            rules.check_hub_page(other, hub)
    registered = ("https://shop.example", "http://localhost:8751")
    assert rules.check_connect_origin("Shop", registered, "HTTP://LOCALHOST:8751") == (
        "http://localhost:8751"
    )
    for page in ("https://shop.example.evil.test", "http://localhost:8752", "null", ""):
        with pytest.raises(ProtocolError) as refused:
            rules.check_connect_origin("Shop", registered, page)
        assert refused.value.code.value == "forbidden"
    assert rules.browser_label("  Chrome \n on   Linux ") == "Connected browser (Chrome on Linux)"
    assert rules.browser_label("") == "Connected browser"
    assert len(rules.connected_shop_label("S" * 200, "https://x.example")) == 100
    assert OriginPolicy.same_origin("http://127.0.0.1:8740", "http://127.0.0.1:8740")
    assert not OriginPolicy.same_origin("http://localhost:8740", "http://127.0.0.1:8740")
