"""Real PostgreSQL and Redis servers for the tests, from the Debian packages, in a temporary
directory: started once per test session, stopped at its end. CI runs as root; PostgreSQL
refuses to run as root, so there it runs as the `postgres` user."""

from __future__ import annotations

import glob
import itertools
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from cartstart_server.storage.postgres import PostgresDatabase
from tests.helpers.waiting import free_port

_databases = itertools.count(1)
_clusters: dict[str, Path] = {}  # DSN -> data directory, for restart_postgres
_options: dict[str, str] = {}  # DSN -> the server's options, for start_postgres


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run ./scripts/system-deps.sh postgresql")
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]


@contextmanager
def postgres_server(*, fsync: bool = False) -> Iterator[str]:
    """Yields the DSN of a fresh cluster's `postgres` database (trust auth, loopback only).
    The cluster lives in its own directory under /tmp: pytest's are private to root, and the
    server may run as `postgres`."""
    bindir = _pg_bin()
    base = Path(tempfile.mkdtemp(prefix="cartstart-pg-"))
    data = base / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c max_connections=300 "
        f"-c fsync={'on' if fsync else 'off'}"
    )
    subprocess.run(
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                      str(data / "log"), "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    _clusters[dsn] = data
    _options[dsn] = options
    try:
        yield dsn
    finally:
        _clusters.pop(dsn, None)
        _options.pop(dsn, None)
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def restart_postgres(dsn: str) -> None:
    """Stop the cluster behind `dsn` (its sessions are terminated) and start it again."""
    data = _clusters[dsn]
    subprocess.run(
        _as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                      "-l", str(data / "log"), "restart"]),
        check=True, capture_output=True,
    )  # fmt: skip


def stop_postgres(dsn: str) -> None:
    """Stop the cluster behind `dsn` (an outage: its sessions are terminated)."""
    subprocess.run(
        _as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(_clusters[dsn]), "-m", "fast", "-w",
                      "stop"]),
        check=True, capture_output=True,
    )  # fmt: skip


def start_postgres(dsn: str) -> None:
    """Start again a cluster stopped by stop_postgres; returns once it takes connections."""
    data = _clusters[dsn]
    subprocess.run(
        _as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(data), "-o", _options[dsn], "-w",
                      "-l", str(data / "log"), "start"]),
        check=True, capture_output=True,
    )  # fmt: skip


async def new_database(cluster_dsn: str, *, template: str | None = None) -> str:
    """A database of its own for one test (empty, or a copy of `template`); returns its DSN."""
    name = f"t{os.getpid()}_{next(_databases)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    conn = await asyncpg.connect(cluster_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await conn.close()
    return cluster_dsn.rsplit("/", 1)[0] + "/" + name


_hub_templates: dict[str, str] = {}  # cluster DSN -> its database with the hub's schema


async def hub_database(cluster_dsn: str) -> str:
    """A database of its own for one test's hub, with the hub's schema: a copy of a database the
    hub's own `migrate()` brought up to date once per cluster (a copy takes a few ms; migrating
    each test's database took about 0.1 s). A broken migration still fails every test."""
    template = _hub_templates.get(cluster_dsn)
    if template is None:
        migrated = await new_database(cluster_dsn)
        database = PostgresDatabase(migrated, min_size=1, max_size=1)
        await database.open()  # migrates
        await database.close()
        template = _hub_templates[cluster_dsn] = migrated.rsplit("/", 1)[1]
    return await new_database(cluster_dsn, template=template)


@contextmanager
def redis_server(base: Path) -> Iterator[str]:
    directory = base / "redis"
    directory.mkdir(parents=True)
    port = free_port()
    start_redis(directory, port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_redis(port)


def start_redis(directory: Path, port: int) -> None:
    """A Redis server on 127.0.0.1:`port`, in memory only; returns once it answers."""
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--save", "", "--appendonly", "no", "--dir", str(directory),
         "--pidfile", str(directory / "redis.pid"), "--logfile", str(directory / "redis.log")],
        check=True, capture_output=True,
    )  # fmt: skip
    for _ in range(100):
        ping = subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
        )
        if ping.stdout.strip() == "PONG":
            return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server on port {port} did not start")


def stop_redis(port: int) -> None:
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
