from __future__ import annotations

import os

# Before anything imports Qt: without a display, Qt would abort the whole test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, running_hub
from tests.helpers.keyrings import MemoryKeyring


@pytest.fixture(autouse=True)
def test_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory keyring; the developer's own is never touched."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def hub(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Hub]:
    async with running_hub(tmp_path, clock) as h:
        yield h


@pytest.fixture
async def server(tmp_path: Path, clock: FakeClock) -> AsyncIterator[HubServer]:
    """A real hub on 127.0.0.1 (both listeners, ephemeral ports) over a real SQLite file."""
    async with HubServer(hub_config(tmp_path), clock=clock) as srv:
        yield srv


@pytest.fixture
async def http(server: HubServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as client:
        yield client
