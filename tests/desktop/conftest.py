from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from cartstart_desktop.core.credentials import KeyringCredentials
from cartstart_desktop.core.session import CartSession


class Opened(list[str]):
    """URLs the cart asked the system to open (instead of starting a real browser)."""


@pytest.fixture
def opened() -> Opened:
    return Opened()


@pytest.fixture
async def make_session(tmp_path: Path, opened: Opened) -> AsyncIterator[Callable[..., CartSession]]:
    """CartSessions on one home directory, as if the app was started several times."""
    sessions: list[CartSession] = []

    def make(home: Path | None = None, **kwargs: object) -> CartSession:
        options: dict[str, object] = {"poll_wait": 1.0, "websocket_retry": 30.0}
        options.update(kwargs)
        session = CartSession(
            home or tmp_path / "home",
            KeyringCredentials(),
            open_url=opened.append,
            **options,  # type: ignore[arg-type]
        )
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        if session.local.store._db is not None:
            await session.close()
