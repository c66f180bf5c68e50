"""Qt tests: real widgets, offscreen, on a qasync loop so `await` and Qt events both run."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytestqt.plugin
import qasync
from PySide6.QtWidgets import QApplication

from cartstart_desktop.core.credentials import KeyringCredentials
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_server.clock import FakeClock
from tests.desktop.conftest import Opened


class _TestLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync's run_until_complete pumps Qt events once more after run_forever has unset the
    running loop; a background task stepped then finds no loop (anyio, inside httpx, raises).
    The app meets this only at exit, after closing its session; pytest-asyncio runs every
    fixture and test through run_until_complete, so here the running loop is kept for that last
    pump and cleared after it."""

    def run_forever(self) -> Any:
        try:
            return super().run_forever()
        finally:
            asyncio.events._set_running_loop(self)

    def run_until_complete(self, future: Any) -> Any:
        try:
            return super().run_until_complete(future)
        finally:
            asyncio.events._set_running_loop(None)


_loops: list[_TestLoop] = []


CANCELLED_CONNECT = "ignore:unclosed:ResourceWarning"
"""The cart cancels HTTP requests in flight when it signs out or quits. A TCP connect cancelled
just as it succeeds (anyio's connect inside httpx drops the new stream when its caller is
cancelled) leaves the socket and its transport to the garbage collector, which closes them with
a ResourceWarning in whatever test runs then (CI saw one fail a later test's setup). The Qt
tests tolerate that warning, and collect garbage at the end of each test so it stays in the
test that cancelled; everywhere else an unclosed socket still fails."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.filterwarnings(CANCELLED_CONNECT))


@pytest.fixture(autouse=True)
def _collect_cancelled_connects() -> Any:
    yield
    gc.collect()


def _qasync_loop() -> Any:
    app = QApplication.instance() or QApplication([])
    # As in the app: closing the last window must not stop the loop the test runs on.
    app.setQuitOnLastWindowClosed(False)  # type: ignore[attr-defined]
    _loops[:] = [_TestLoop(app)]
    return _loops[0]


def _process_events_on_the_loop() -> None:
    """pytest-qt pumps Qt events between the test's phases (after the fixtures are set up,
    before and after they are torn down), when no loop runs. A qasync loop's callbacks are Qt
    events, so the hub's background tasks (uvicorn's 0.1 s tick, the outbound queue's first
    read) would take a step there without a running loop and fail later, at random. They take
    it with their loop set, as they would in it."""
    loop = _loops[0] if _loops else None
    if loop is None or loop.is_closed() or asyncio.events._get_running_loop() is not None:
        _process_events()
        return
    asyncio.events._set_running_loop(loop)
    try:
        _process_events()
    finally:
        asyncio.events._set_running_loop(None)


_process_events = pytestqt.plugin._process_events
pytestqt.plugin._process_events = _process_events_on_the_loop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], Any]]:
    return {"qasync": _qasync_loop}


class WindowFactory:
    """Makes windows on their own sessions (one home directory: app restarts) and closes them."""

    def __init__(self, qtbot: Any, home: Path, clock: FakeClock, opened: Opened) -> None:
        self._qtbot = qtbot
        self._home = home
        self._clock = clock
        self._opened = opened
        self.windows: list[MainWindow] = []
        self.loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, home: Path | None = None) -> MainWindow:
        self.loop = asyncio.get_running_loop()
        session = CartSession(
            home or self._home,
            KeyringCredentials(),
            open_url=self._opened.append,
            clock=self._clock.now,
            poll_wait=1.0,
        )
        window = MainWindow(session)
        self._qtbot.addWidget(window)
        window.show()
        self.windows.append(window)
        return window

    async def close(self) -> None:
        for window in self.windows:
            window.detach()
            if window.session.local.store._db is not None:
                await window.session.close()
        self.windows.clear()


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path, clock: FakeClock, opened: Opened) -> WindowFactory:
    return WindowFactory(qtbot, tmp_path / "home", clock, opened)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Close the test's sessions on their own loop as soon as the test body ends, before
    pytest-qt pumps Qt events (its wrapper is outermost). Pumped outside the running loop, a
    session's background work (a reconnect, a poll) would run without a loop."""
    try:
        return (yield)
    finally:
        factory = getattr(item, "funcargs", {}).get("make_window")
        if (
            isinstance(factory, WindowFactory)
            and factory.loop is not None
            and not factory.loop.is_closed()
        ):
            factory.loop.run_until_complete(factory.close())
