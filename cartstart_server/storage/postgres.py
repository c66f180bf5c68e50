"""The PostgreSQL driver (asyncpg): the same plans as SQLite, stepped on a pooled connection.

Plans are written in the SQL both engines speak, with `?` placeholders; this driver numbers them
(`$1`, `$2` ...) and adapts the few DDL words that differ. Every write plan runs in its own
transaction (READ COMMITTED): a reservation is one conditional UPDATE, which PostgreSQL's row
locks make safe between any number of hub nodes. A transaction that loses a deadlock or a
serialization race is run again from the start (plans have no side effects of their own).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from functools import cache
from typing import TypeVar

import asyncpg

from shared_protocol import ErrorCode, ProtocolError

from .migrations import MIGRATIONS
from .sql import Plan, PlanRun

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRYABLE = (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)
_DDL = [
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGSERIAL PRIMARY KEY"),
    # SQLite's REAL is 8 bytes; PostgreSQL's is 4 (timestamps would lose minutes).
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
]
_LOCK_ID = 7_310_221  # an advisory lock: one node migrates at a time

# The database is away (stopped, restarting, failing over, unreachable), as opposed to a plan
# that failed: the command may be retried as it is. QueryCanceledError (also class 57) is not
# here: a statement timeout is a slow plan, not an outage.
_AWAY = (
    OSError,  # refused, reset, unreachable
    TimeoutError,  # no answer to connect within CONNECT_TIMEOUT
    asyncpg.exceptions.ConnectionDoesNotExistError,  # closed in the middle of a plan
    asyncpg.exceptions.PostgresConnectionError,  # class 08
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.TooManyConnectionsError,
)
CONNECT_TIMEOUT = 5.0  # asyncpg's default is 60 s: a request would wait that long for its 503
RETRY_AFTER = 2  # seconds, what an `unavailable` answer suggests


def unavailable() -> ProtocolError:
    return ProtocolError(
        ErrorCode.UNAVAILABLE,
        "the hub cannot reach its database for a moment; nothing was lost: retry with the "
        f"same id in {RETRY_AFTER} seconds",
        retry_after=RETRY_AFTER,
    )


@cache
def numbered(sql: str) -> str:
    """`?` placeholders to `$1, $2, ...` (our SQL never has `?` inside a string literal)."""
    parts = sql.split("?")
    out = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        out.append(f"${n}{part}")
    return "".join(out)


def ddl(sql: str) -> str:
    for pattern, replacement in _DDL:
        sql = pattern.sub(replacement, sql)
    return sql


async def _step(conn: asyncpg.Connection, plan: Plan[T]) -> T:
    with PlanRun(plan) as run:
        while (stmt := run.stmt) is not None:
            run.feed([dict(r) for r in await conn.fetch(numbered(stmt.sql), *stmt.params)])
    return run.result


class PostgresDatabase:
    def __init__(self, dsn: str, *, min_size: int = 2, max_size: int = 20) -> None:
        self.dsn = dsn
        self.min_size = min_size
        self.max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self.away = False  # the last plan met an outage (logged once per outage)

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=self.min_size, max_size=self.max_size, timeout=CONNECT_TIMEOUT
        )
        async with self._pool.acquire() as conn:
            await migrate(conn)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @contextlib.contextmanager
    def _answering(self) -> Iterator[None]:
        """A plan that meets an outage fails whole (its transaction never committed, or its
        command id replays the commit once) and is answered `unavailable`, not `internal`."""
        try:
            yield
        except _AWAY as exc:
            if not self.away:
                log.warning(f"the database is not answering ({exc!r}); answering unavailable")
            self.away = True
            raise unavailable() from exc
        if self.away:
            log.info("the database answers again")
            self.away = False

    def retryable(self, exc: BaseException) -> bool:
        """A plan is a generator and cannot be rewound: the Hub rebuilds and reruns it."""
        return isinstance(exc, _RETRYABLE)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    async def write(self, plan: Plan[T]) -> T:
        with self._answering():
            async with self.pool.acquire() as conn, conn.transaction():
                return await _step(conn, plan)

    async def read(self, plan: Plan[T]) -> T:
        with self._answering():
            async with self.pool.acquire() as conn, conn.transaction(readonly=True):
                return await _step(conn, plan)


async def migrate(conn: asyncpg.Connection) -> None:
    """Apply the migrations this database has not seen. Several nodes may start at once: an
    advisory lock lets one migrate while the others wait."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            async with conn.transaction():
                for sql in statements:
                    await conn.execute(ddl(sql))
                await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
            log.info("database migrated", extra={"version": number})
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
