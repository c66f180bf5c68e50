from __future__ import annotations

import os
import shutil
import tempfile

# Before anything imports Qt: without a display, Qt would abort the whole test process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import keyring
import pytest
from hypothesis import HealthCheck, settings

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config, running_hub
from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.services import hub_database, postgres_server, redis_server

# Property-based tests (Hypothesis, Schemathesis; docs/testing.md). `ci`, the default, keeps
# `make test` short and repeatable: few examples, the same ones every run (derandomize: the seed
# comes from the test's name), no example database. `fuzz` (`make fuzz`) runs 1,000 per test
# from a fresh seed (printed on failure; `--hypothesis-seed` repeats a run). Tests scale their
# own counts from `settings().max_examples`. The deadline only catches an example that hangs:
# a loaded 2-core machine can take a second for one.
settings.register_profile(
    "ci",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=10),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=1000,
    deadline=timedelta(seconds=10),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _memory_tmpdir() -> None:
    """Temporary files (every test's tmp_path with its hub's SQLite file, the PostgreSQL cluster,
    Chromium's profiles) go to /dev/shm when it is a big enough tmpfs and TMPDIR is not set. The
    hub keeps synchronous=FULL; on tmpfs its fsyncs cost nothing (as PostgreSQL's fsync=off
    here): a fresh hub's 22 migrations and every committed write took a disk flush each (a
    fresh hub's file: about 0.12 s on this machine's disk, 0.05 s on tmpfs). Same code, same
    files; only the disk is faster."""
    shm = "/dev/shm"
    if "TMPDIR" in os.environ or not os.access(shm, os.W_OK | os.X_OK):
        return
    if shutil.disk_usage(shm).free < 2 * 1024**3:  # a container's 64 MiB default: keep /tmp
        return
    os.environ["TMPDIR"] = shm  # for the processes tests start (Chromium, PHP, hubs)
    tempfile.tempdir = shm


_memory_tmpdir()


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


# The hub's own tests run on both backends: SQLite with the in-process broker (the default) and
# PostgreSQL with Redis (several nodes). Other tests (desktop, browser) use the default.
BOTH_BACKENDS = (
    "tests/integration/",
    "tests/unit/test_ledger_rules.py",
    "tests/unit/test_orders.py",
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        if marker is not None:  # e.g. several nodes need the shared backends
            metafunc.parametrize("backend", list(marker.args))
            return
        path = str(metafunc.definition.path.relative_to(metafunc.config.rootpath))
        both = path.startswith(BOTH_BACKENDS)
        metafunc.parametrize("backend", ["sqlite", "postgres"] if both else ["sqlite"])


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    with postgres_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
async def backend_settings(backend: str, request: pytest.FixtureRequest) -> dict[str, object]:
    """Hub settings for the backend under test (a database and channel prefix per test)."""
    if backend == "sqlite":
        return {}
    cluster = request.getfixturevalue("postgres_cluster")
    url = request.getfixturevalue("redis_url")
    database = await hub_database(cluster)
    return {"database_url": database, "redis_url": url, "redis_prefix": database + ":"}


@pytest.fixture
async def hub(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> AsyncIterator[Hub]:
    async with running_hub(tmp_path, clock, **backend_settings) as h:
        yield h


@pytest.fixture
async def server(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> AsyncIterator[HubServer]:
    """A real hub on 127.0.0.1 (both listeners, ephemeral ports) on the backend under test."""
    async with HubServer(hub_config(tmp_path, **backend_settings), clock=clock) as srv:
        yield srv


Nodes = tuple[HubServer, HubServer]


@pytest.fixture
async def nodes(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, object]
) -> AsyncIterator[Nodes]:
    """Two hub nodes on loopback sharing the backend under test (no sticky sessions)."""
    a = HubServer(hub_config(tmp_path / "a", **backend_settings), clock=clock)
    b = HubServer(hub_config(tmp_path / "b", **backend_settings), clock=clock)
    await a.start()
    await b.start()
    try:
        yield a, b
    finally:
        await a.stop()
        await b.stop()


@pytest.fixture
async def http(server: HubServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as client:
        yield client
