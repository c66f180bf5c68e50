"""`cartstart`: the desktop cart. Wires the core (no Qt) to the window on one qasync loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from .core.credentials import KeyringCredentials
from .core.session import CartSession
from .core.settings import home

LINK_SCHEME = "cartstart"
"""Links the installed cart is registered for (.desktop entry, macOS Info.plist, Windows
registry). Any page can open one, so a link only starts the cart: it carries no instruction
(docs/architecture.md, decision 17, says why the shop's pick goes through the hub instead)."""


def has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cartstart", description="CartStart: one cart for products set aside in many stores."
    )
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="where the cart keeps its files (default: the user data directory, or $CARTSTART_HOME)",
    )
    parser.add_argument("--hub", default=None, help="hub address to offer at sign-in")
    parser.add_argument(
        "--email",
        default=None,
        help="sign in as this shopper at start, with the password in $CARTSTART_PASSWORD (for demos and scripted runs)",
    )
    parser.add_argument(
        "link",
        nargs="?",
        default=None,
        help="a cartstart: link the desktop hands over (the installed entry registers the "
        "scheme): it starts the cart, which reads nothing else from it",
    )
    args = parser.parse_args(argv)
    if args.link is not None and not args.link.lower().startswith(LINK_SCHEME + ":"):
        parser.error(f"not a {LINK_SCHEME}: link: {args.link}")
    return args


def open_in_browser(url: str) -> None:
    from .ui.qt import QDesktopServices, QUrl

    QDesktopServices.openUrl(QUrl(url))


async def run(args: argparse.Namespace) -> int:
    from .core.lang import _, choose
    from .ui.main_window import MainWindow
    from .ui.qt import QApplication

    app = QApplication.instance()
    assert app is not None
    session = CartSession(args.home or home(), KeyringCredentials(), open_url=open_in_browser)
    _.use(choose(session.settings.language))
    if args.hub:
        session.settings.hub_url = args.hub
    closed = asyncio.get_running_loop().create_future()
    shown: list[MainWindow] = []  # the window on screen now (a language change replaces it)

    def show_window() -> MainWindow:
        window = MainWindow(session)
        window.closed.connect(lambda: None if closed.done() else closed.set_result(None))
        window.languageChosen.connect(lambda lang: relaunch(window, lang))
        window.show()
        shown[:] = [window]
        return window

    def relaunch(old: MainWindow, lang: str) -> None:
        """A language change rebuilds the window: every text is made again in the new one."""
        _.use(lang)
        old.replaced = True
        old.detach()
        geometry = old.saveGeometry()
        old.close()
        old.deleteLater()
        new = show_window()
        new.restoreGeometry(geometry)
        if opened and not session.account.signed_in:
            new.ask_login()

    opened = False
    show_window()
    signed_in = await session.open()
    opened = True
    password = os.environ.get("CARTSTART_PASSWORD")
    if not signed_in and args.email and password and args.hub:
        await shown[0].run(session.account.log_in(args.hub, args.email, password))
        signed_in = session.account.signed_in
    if not signed_in:
        shown[0].ask_login()
    await closed
    await session.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not has_display():
        print(
            "cartstart: no display found (DISPLAY/WAYLAND_DISPLAY unset). Run it in a desktop "
            "session, or with QT_QPA_PLATFORM=offscreen for a headless check.",
            file=sys.stderr,
        )
        return 2
    import qasync

    from .ui.icon import use_app_icon
    from .ui.qt import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName("CartStart")
    use_app_icon(app)
    app.setQuitOnLastWindowClosed(False)  # the loop ends when the window's `closed` fires
    try:
        return int(qasync.run(run(args)))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
