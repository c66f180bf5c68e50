"""Call setup through a real hub on loopback (bench/calls.py --part setup): from the store
console's click on "Accept" to the first decoded video frame on each side, split into
signalling (the answer applied on the offering side), ICE (both sides connected) and the first
frame (both sides have presented one).

Browser pages are timed by bench/call_hooks.js (epoch milliseconds from performance.timeOrigin
+ now()); the desktop cart's CallMedia by a wrapper installed here, with time.time(), so every
instant is on one clock.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, expect

from cartstart_desktop.core.call_devices import CallDevices, Source
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.session import CartSession
from tests.helpers.waiting import eventually
from tests.storefront import console_live_helpers as console_ui
from tests.storefront import live_helpers as page_ui
from tests.storefront.conftest import Shop

HOOKS = (Path(__file__).parent / "call_hooks.js").read_text(encoding="utf-8")
TEST_CAMERA = Source("lavfi", "testsrc=size=640x480:rate=30")
TEST_MICROPHONE = Source("lavfi", "sine=frequency=440:sample_rate=48000")
NEWEST = (
    "() => { const b = window.__bench; return { accept: b.accept, pc: b.pcs.at(-1) ?? null }; }"
)
RESET = "() => { const b = window.__bench; b.accept = null; b.pcs = []; b.cams.forEach((t) => t.stop()); b.cams = []; }"
FRAME_SEEN = "() => { const p = window.__bench.pcs.at(-1); return !!p && p.frame !== null; }"


@dataclass
class Setup:
    """One call, in ms after the console's accept."""

    signalled: float  # the answer applied on the offering side
    ice: float  # both sides' ICE connected
    frame_console: float
    frame_other: float
    offerer_pc: float  # the offering side's RTCPeerConnection made
    answerer_pc: float
    offer_applied: float  # the offer applied on the answering side

    @property
    def frame(self) -> float:
        return max(self.frame_console, self.frame_other)


@dataclass
class Pairing:
    name: str
    calls: list[Setup] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    wall: float = 0.0  # seconds, the whole pairing (pages opened, every call and hang-up)
    driver_cpu: float = 0.0  # this process's CPU meanwhile: hub, shop, Playwright, desktop


def show(i: int, s: Setup) -> None:
    print(
        f"  call {i + 1}: pcs {s.offerer_pc:.0f}/{s.answerer_pc:.0f}, offer applied "
        f"{s.offer_applied:.0f}, answer applied {s.signalled:.0f}, ICE {s.ice:.0f}, frames "
        f"{s.frame_console:.0f} (console) {s.frame_other:.0f} ms",
        flush=True,
    )


async def timed_page(browser: Browser, url: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.add_init_script(HOOKS)
    page = await context.new_page()
    page.set_default_timeout(10000)
    await page.goto(url)
    return page


async def open_console(browser: Browser, shop: Shop, name: str) -> Page:
    """The store console on its Live selling tab, open on the visitor's session `name`."""
    console = await timed_page(browser, f"{shop.hub.http_url}/console")
    await console.get_by_label("API key").fill(shop.key)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.locator("#connection")).to_have_text("Live")
    await console.get_by_role("tab", name="Live selling").click()
    await console_ui.lobby_row(console, name).click()
    await expect(console.locator("#session-presence")).to_have_text(f"{name} is here")
    return console


async def page_times(page: Page) -> dict[str, Any]:
    got: dict[str, Any] = await page.evaluate(NEWEST)
    return got


def since(accept: float, rec: Mapping[str, float | None], key: str) -> float:
    value = rec.get(key)
    if value is None:
        raise RuntimeError(f"no {key} time")
    return value - accept


async def accept_on(console: Page) -> None:
    await console.locator("#live-call").get_by_role("button", name="Accept").click()


async def browser_to_browser(browser: Browser, shop: Shop, n: int) -> Pairing:
    """The visitor's live page asks, the console accepts; the visitor offers (the side that
    started the call does). The visitor's camera starts off in the product; here it sends
    Chromium's fake camera from the start (call_hooks.js, cameraFirst), so both sides have
    video to decode."""
    result = Pairing("browser <-> browser")
    visitor = await timed_page(browser, f"{shop.hub.http_url}/live/{shop.store_id}")
    await page_ui.start_session(visitor, "Ana")
    await visitor.evaluate("() => { window.__bench.cameraFirst = true; }")
    console = await open_console(browser, shop, "Ana")
    visitor_call = visitor.locator("#live-call")
    for i in range(n):
        for page in (visitor, console):
            await page.evaluate(RESET)
        await visitor_call.get_by_role("button", name="Ask for a video call").click()
        await accept_on(console)
        try:
            for page in (visitor, console):
                await page.wait_for_function(FRAME_SEEN, timeout=20000)
            v, c = await page_times(visitor), await page_times(console)
            accept = c["accept"]
            result.calls.append(
                Setup(
                    signalled=since(accept, v["pc"], "answer"),
                    ice=max(since(accept, v["pc"], "ice"), since(accept, c["pc"], "ice")),
                    frame_console=since(accept, c["pc"], "frame"),
                    frame_other=since(accept, v["pc"], "frame"),
                    offerer_pc=since(accept, v["pc"], "created"),
                    answerer_pc=since(accept, c["pc"], "created"),
                    offer_applied=since(accept, c["pc"], "offer"),
                )
            )
            show(i, result.calls[-1])
        except Exception as exc:  # (a call that did not set up is reported, not hidden)
            result.failed.append(f"call {i + 1}: {exc}")
            print(f"  call {i + 1} failed: {exc}", flush=True)
        await visitor_call.get_by_role("button", name="Hang up").click()
        await expect(
            visitor_call.get_by_role("button", name="Ask for a video call")
        ).to_be_visible()
        await asyncio.sleep(0.5)
    await visitor.context.close()
    await console.context.close()
    return result


class DesktopTimes:
    """Wraps the desktop's CallMedia (in this process) to time each call's steps."""

    def __init__(self) -> None:
        self.records: list[dict[str, float]] = []
        self.media: list[Any] = []

    def install(self) -> Callable[[], None]:
        from cartstart_desktop.core import call_media

        real_init = call_media.CallMedia.__init__
        times = self

        def init(media: Any, *args: Any, **kwargs: Any) -> None:
            real_init(media, *args, **kwargs)
            rec: dict[str, float] = {"created": time.time() * 1000}
            times.records.append(rec)
            times.media.append(media)
            pc = media.pc
            real_set = pc.setRemoteDescription

            async def set_remote(description: Any) -> None:
                await real_set(description)
                rec.setdefault(description.type, time.time() * 1000)

            def on_ice() -> None:
                if pc.iceConnectionState in ("connected", "completed"):
                    rec.setdefault("ice", time.time() * 1000)

            pc.setRemoteDescription = set_remote
            pc.on("iceconnectionstatechange", on_ice)

        setattr(call_media.CallMedia, "__init__", init)  # noqa: B010 (a bench-only wrapper)
        return lambda: setattr(call_media.CallMedia, "__init__", real_init)

    def newest(self) -> dict[str, float]:
        """The newest call's times; its first frame from CallMedia.first_frame_at (monotonic)."""
        rec = dict(self.records[-1])
        first = self.media[-1].first_frame_at
        if first is not None:
            rec["frame"] = (first + time.time() - time.monotonic()) * 1000
        return rec


async def desktop_cart(shop: Shop, home: Path) -> CartSession:
    session = CartSession(home, _memory_credentials(), open_url=lambda _: None)
    await session.open()
    await session.account.log_in(
        shop.hub.http_url, "alice@example.org", "correct horse battery", create_account=True
    )
    return session


def _memory_credentials() -> Any:
    from cartstart_desktop.core.credentials import MemoryCredentials

    return MemoryCredentials()


async def browser_to_desktop(browser: Browser, shop: Shop, cart: CartSession, n: int) -> Pairing:
    """The desktop cart (its core, aiortc, in this process) asks, the console accepts; the
    desktop offers. The desktop's camera starts off, so the console's first frame is the
    desktop's placeholder (a dark frame 5 times a second), as a shopper would send."""
    result = Pairing("browser (console) <-> desktop")
    times = DesktopTimes()
    uninstall = times.install()
    link = await console_ui.start_session(shop, "Bo")
    entry = await cart.live.attach(link)
    cart.live.call_devices = lambda: CallDevices(TEST_CAMERA, TEST_MICROPHONE, None)
    opened = cart.live.open(entry.session_id)
    await eventually(lambda: opened.model.status is Status.WEBSOCKET, what="connected")
    console = await open_console(browser, shop, "Bo")
    call = opened.call
    try:
        for i in range(n):
            await console.evaluate(RESET)
            await call.ask()
            await accept_on(console)
            try:
                await console.wait_for_function(FRAME_SEEN, timeout=20000)
                await eventually(
                    lambda: call.media is not None and call.media.first_frame_at is not None,
                    within=20,
                    what="the console's video decoded on the desktop",
                )
                assert times.media and times.media[-1] is call.media
                c, d = await page_times(console), times.newest()
                accept = c["accept"]
                result.calls.append(
                    Setup(
                        signalled=since(accept, d, "answer"),
                        ice=max(since(accept, d, "ice"), since(accept, c["pc"], "ice")),
                        frame_console=since(accept, c["pc"], "frame"),
                        frame_other=since(accept, d, "frame"),
                        offerer_pc=since(accept, d, "created"),
                        answerer_pc=since(accept, c["pc"], "created"),
                        offer_applied=since(accept, c["pc"], "offer"),
                    )
                )
                show(i, result.calls[-1])
            except Exception as exc:
                result.failed.append(f"call {i + 1}: {exc}")
                print(f"  call {i + 1} failed: {exc}", flush=True)
            await call.hang_up()
            await eventually(lambda: call.media is None, what="the desktop's media closed")
            await expect(console.locator("#live-call .call-ended")).to_have_text(
                re.compile("hung up")
            )
            await asyncio.sleep(0.5)
    finally:
        uninstall()
        await console.context.close()
        await cart.live.close(opened.session_id)
    return result
