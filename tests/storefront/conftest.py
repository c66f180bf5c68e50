"""Real Chromium (Debian's, driven by Playwright) against a real hub and a real demo shop."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from cartstart_demo_store.app import ShopConfig
from cartstart_demo_store.catalogue import Catalogue, Item
from cartstart_demo_store.shop import start
from cartstart_desktop.core.credentials import MemoryCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config
from tests.helpers.waiting import free_port

CHROMIUM = "/usr/bin/chromium"
# PLATFORM-NOTES.md: the flags that keep Debian's chromium quiet and fast in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Calls (tests/storefront/test_live_calls.py, call_screenshots.py): Chromium's stand-ins for a
# camera and a microphone, no permission prompt, WebRTC on loopback, and sound that may start
# without a click (the other side's <video> plays with its audio).
CALL_ARGS = [
    *CHROMIUM_ARGS,
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
TTL = 60.0

TEST_CATALOGUE = Catalogue(
    "Test Pottery",
    "EUR",
    "A shop for tests.",
    (
        Item("last-vase", "The last vase", "TV-1", 9900, 1, "Only one."),
        Item("mug", "Mug", "MG-1", 1500, 5, "Five of them."),
        Item(
            "tricky",
            '<script>window.pwned = 1</script><b>Bold</b> & "quoted"',
            "XSS-1",
            100,
            3,
            '<img src=x onerror="window.pwned = 2">',
        ),
    ),
)


SECOND_CATALOGUE = Catalogue(
    "Second Books",
    "EUR",
    "Another shop on the same hub.",
    (Item("atlas", "Old atlas", "SB-1", 4500, 2, "Two of them."),),
)


@dataclass
class Shop:
    """A hub, one demo shop registered with it, and the shop's URL."""

    hub: HubServer
    clock: FakeClock
    store_id: str
    url: str
    key: str

    def page_url(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:  # `make test` installs it; never skip silently
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/system-deps.sh chromium")
    return CHROMIUM


@asynccontextmanager
async def launched(args: list[str]) -> AsyncIterator[Browser]:
    """Debian's Chromium with these flags, closed however the test ends."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            await browser.close()


class SharedChromium:
    """One Chromium for the whole session, launched by Playwright (its usual flags, ours added)
    on a thread and event loop of its own, with a DevTools port that each test's Playwright
    connects to. A launch and a close per test cost about 0.5 s (x 115 tests); every test still
    gets its own contexts (own cookies, storage, cache), closed when the test ends."""

    def __init__(self, args: list[str]) -> None:
        self.endpoint = f"http://127.0.0.1:{free_port()}"
        self._args = [*args, f"--remote-debugging-port={self.endpoint.rsplit(':', 1)[1]}"]
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)
        self._thread.start()
        self._ready.wait(60)
        if self._failed is not None or not self._ready.is_set():
            raise RuntimeError(f"Chromium did not start: {self._failed}")

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            async with launched(self._args):
                self._ready.set()
                await self._stop.wait()
        except BaseException as exc:
            self._failed = exc
            self._ready.set()

    def close(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@asynccontextmanager
async def connected(shared: SharedChromium) -> AsyncIterator[Browser]:
    """The shared Chromium for one test; the contexts the test made are closed at its end."""
    async with async_playwright() as pw:
        browser = await pw.chromium.connect_over_cdp(shared.endpoint)
        try:
            yield browser
        finally:
            await browser.close()  # over CDP: closes this connection's contexts, not Chromium


@pytest.fixture(scope="session")
def shared_chromium(chromium: str) -> Iterator[SharedChromium]:
    shared = SharedChromium(CHROMIUM_ARGS)
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def shared_call_chromium(chromium: str) -> Iterator[SharedChromium]:
    shared = SharedChromium(CALL_ARGS)
    yield shared
    shared.close()


@pytest.fixture
async def browser(shared_chromium: SharedChromium) -> AsyncIterator[Browser]:
    async with connected(shared_chromium) as browser:
        yield browser


@pytest.fixture
async def call_browser(shared_call_chromium: SharedChromium) -> AsyncIterator[Browser]:
    """A browser whose fake camera and microphone answer getUserMedia without asking."""
    async with connected(shared_call_chromium) as browser:
        yield browser


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[Shop]:
    clock = FakeClock(start=time.time())  # real time: the demo shop checks webhook timestamps
    async with HubServer(hub_config(tmp_path / "hub", expiry_warning=10), clock=clock) as hub:
        store_id, key = await hub.hub.stores.create(TEST_CATALOGUE.name, default_ttl=TTL)
        config = ShopConfig(hub.http_url, store_id, key, TEST_CATALOGUE, port=free_port())
        server, task = await start(config)
        try:
            yield Shop(hub, clock, store_id, config.url, key)
        finally:
            server.should_exit = True
            await task


@pytest.fixture
async def second_shop(shop: Shop) -> AsyncIterator[Shop]:
    """Another demo shop on the same hub, on its own port: another origin."""
    hub = shop.hub
    store_id, key = await hub.hub.stores.create(SECOND_CATALOGUE.name, default_ttl=TTL)
    config = ShopConfig(hub.http_url, store_id, key, SECOND_CATALOGUE, port=free_port())
    server, task = await start(config)
    try:
        yield Shop(hub, shop.clock, store_id, config.url, key)
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def other_site(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """Another web site on loopback: a plain static server (a directory and its port)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, server.server_address[1]
    server.shutdown()
    server.server_close()


PASSWORD = "correct horse battery"


@pytest.fixture
async def cart(shop: Shop, tmp_path: Path) -> AsyncIterator[CartSession]:
    """The shopper's desktop cart (its core), signed in to the shop's hub."""
    session = CartSession(tmp_path / "home", MemoryCredentials(), open_url=lambda _: None)
    await session.open()
    await session.account.log_in(
        shop.hub.http_url, "alice@example.org", PASSWORD, create_account=True
    )
    yield session
    await session.close()


async def new_page(browser: Browser) -> Page:
    """A page in its own browser context: its own localStorage, like another person's browser."""
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(5000)
    return page
