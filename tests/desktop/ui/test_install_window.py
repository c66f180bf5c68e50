"""What a shopper meets first with a freshly installed cart: its icon on the window, and a
sentence for people when the hub is not there (English and Serbian)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cartstart_desktop.core.lang import _
from cartstart_desktop.ui.icon import ICON_FILE, use_app_icon
from cartstart_desktop.ui.main_window import MainWindow
from tests.helpers.waiting import eventually, free_port

MakeWindow = Callable[..., MainWindow]
GREEN = (0x1A, 0x7F, 0x37)  # the icon's background (cartstart.svg)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    _.use("en")


async def test_the_window_shows_the_carts_own_icon(make_window: MakeWindow, qapp: Any) -> None:
    use_app_icon(qapp)  # as app.main does when it makes the QApplication
    window = make_window()
    icon = window.windowIcon()
    assert not icon.isNull()
    # Drawn from the SVG (Qt's SVG icon engine is there), not an empty or default picture.
    image = icon.pixmap(64, 64).toImage()
    assert not image.isNull() and image.width() >= 64
    edge = image.pixelColor(8, 32)
    assert (edge.red(), edge.green(), edge.blue()) == GREEN
    assert QApplication.desktopFileName() == "cartstart"
    assert ICON_FILE.name == "cartstart.svg" and ICON_FILE.exists()


def test_the_app_sets_the_icon_where_it_makes_the_qapplication() -> None:
    """app.main is what the command and the bundle run: it must call use_app_icon."""
    import inspect

    from cartstart_desktop import app

    source = inspect.getsource(app.main)
    assert source.index("QApplication(") < source.index("use_app_icon(app)")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "CartStart cannot reach the hub at {url}; check the address or try again."),
        (
            "sr",
            "CartStart ne može da dođe do haba na adresi {url}; proverite adresu ili pokušajte ponovo.",
        ),
    ],
    ids=["en", "sr"],
)
async def test_signing_in_without_a_hub_says_so_in_words(
    make_window: MakeWindow, qtbot: Any, lang: str, expected: str
) -> None:
    _.use(lang)
    window = make_window()
    assert not await window.session.open()
    window.ask_login()
    dialog = window.login_dialog
    assert dialog is not None
    port = free_port()  # nothing listens there
    dialog.hub.setText(f"127.0.0.1:{port}")
    qtbot.keyClicks(dialog.email, "alice@example.org")
    qtbot.keyClicks(dialog.password, "correct horse battery")
    qtbot.mouseClick(dialog.log_in_button, Qt.MouseButton.LeftButton)
    connecting = _("Connecting…")
    await eventually(lambda: dialog.error.text() not in ("", connecting), what="the answer")
    said = dialog.error.text()
    assert dialog.log_in_button.isEnabled()
    assert said == expected.format(url=f"http://127.0.0.1:{port}")
    # Never the client library's own words.
    assert "connection attempts" not in said.lower() and "Http://" not in said
    assert dialog.isVisible()
