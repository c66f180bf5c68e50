"""The app's language: from the system's locale at the first start, switched in the window (the
app rebuilds the window in the new language and keeps the choice for the next start)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cartstart_desktop import app
from cartstart_desktop.core.lang import _
from cartstart_desktop.core.settings import Settings
from cartstart_desktop.ui.main_window import MainWindow
from tests.helpers.waiting import eventually


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    _.use("en")


def windows() -> list[MainWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


async def test_the_system_locale_then_the_choice_in_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "sr_RS.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    home = tmp_path / "home"
    running = asyncio.ensure_future(app.run(app.parse_args(["--home", str(home)])))
    try:
        await eventually(lambda: len(windows()) == 1, what="the window")
        (first,) = windows()
        assert first.tabs.tabText(0) == "Korpa"  # Serbian, as the system asks
        assert first.language_action.text() == "Jezik: Srpski (latinica)"
        await eventually(lambda: first.login_dialog is not None, what="asked to sign in")
        assert first.login_dialog is not None
        assert first.login_dialog.windowTitle() == "Prijava na CartStart"

        first.choose_language("en")
        await eventually(lambda: bool(windows()) and windows()[0] is not first, what="rebuilt")
        (second,) = windows()
        assert second.tabs.tabText(0) == "Cart"
        assert second.tabs.tabText(second.tabs.indexOf(second.market_lazy)) == "Marketplace"
        assert Settings.load(home).language == "en"
        assert second.login_dialog is not None  # still signed out: asked again, in English
        assert second.login_dialog.windowTitle() == "Sign in to CartStart"
        assert not running.done()  # a rebuilt window is not quitting
        second.close()
        assert await asyncio.wait_for(running, 10) == 0
    finally:
        if not running.done():
            for window in windows():
                window.close()
            await asyncio.wait_for(running, 10)
