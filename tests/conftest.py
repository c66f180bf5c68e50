from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from tests.helpers.hubs import running_hub


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def hub(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Hub]:
    async with running_hub(tmp_path, clock) as h:
        yield h
