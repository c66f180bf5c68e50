"""SQLite backend: WAL, synchronous=FULL, every write plan run whole inside the database thread.

Why a thread of our own rather than aiosqlite: a reservation is several statements, and hopping to
a thread per statement caps durable throughput at ~1,300/s here (ARCHITECTURE.md). One writer
thread runs each queued plan inside a SAVEPOINT and commits everything queued meanwhile with ONE
fsync (group commit); a plan that fails rolls back to its savepoint alone.

Checkpoints (copying the WAL back into the database file) run mostly in a thread of their own:
left to SQLite they happen whole inside whichever COMMIT crosses the WAL limit, stalling every
queued writer.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .migrations import MIGRATIONS
from .sql import Plan, PlanRun, Row

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()


@dataclass(slots=True)
class _Job:
    plan: Plan[Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


def _resolve(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class Reused:
    """Rows of `Stmt.reuse` reads kept for the rest of one transaction, dropped as soon as a
    statement names their table (a write to it, in this transaction: only this connection writes
    while it holds the write lock) or a plan rolls back."""

    __slots__ = ("rows", "tables")

    def __init__(self) -> None:
        self.rows: dict[tuple[str, tuple[Any, ...]], list[Row]] = {}
        self.tables: set[str] = set()

    def clear(self) -> None:
        self.rows.clear()
        self.tables.clear()


_names: dict[str, list[str]] = {}  # a statement's column names (fixed once migrated) by its SQL


def drive(conn: sqlite3.Connection, plan: Plan[T], reused: Reused | None = None) -> T:
    """Step a plan to completion on `conn`, feeding it the rows of each statement."""
    with PlanRun(plan) as run:
        while (stmt := run.stmt) is not None:
            if reused is not None:
                if stmt.reuse is not None:
                    key = (stmt.sql, stmt.params)
                    kept = reused.rows.get(key)
                    if kept is None:
                        kept = reused.rows[key] = _execute(conn, stmt.sql, stmt.params)
                        reused.tables.add(stmt.reuse)
                    run.feed(kept)
                    continue
                for table in reused.tables:  # mostly none or one
                    if table in stmt.sql:
                        reused.clear()
                        break
            run.feed(_execute(conn, stmt.sql, stmt.params))
    return run.result


def _execute(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Row]:
    cursor = conn.execute(sql, params)
    description = cursor.description
    if not description:
        return []
    names = _names.get(sql)
    if names is None:
        if len(_names) > 4096:  # statements built with a varying number of placeholders
            _names.clear()
        names = _names[sql] = [d[0] for d in description]
    return [dict(zip(names, r, strict=False)) for r in cursor.fetchall()]  # as many, always


class SqliteDatabase:
    CACHE_KIB = 65536  # writer and reader; SQLite's default 2 MiB makes random inserts reads
    CHECKPOINT_EVERY = 0.2  # seconds between passive checkpoints
    WAL_LIMIT_BYTES = 64 * 1024 * 1024  # the WAL is started over once past this

    def __init__(self, path: Path, *, synchronous: str = "FULL", max_batch: int = 2048) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be FULL or NORMAL")
        self.path = path
        self.synchronous = synchronous
        self.max_batch = max_batch
        self._writes: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reads: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.commits = 0  # group commits done; with `self.plans_written` it shows the batching
        self.plans_written = 0
        self.last_checkpoint = (0, 0)  # (frames in the WAL, frames copied back) when last run

    def connect(self, *, cache_kib: int | None = None) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute(f"PRAGMA cache_size = -{self.CACHE_KIB if cache_kib is None else cache_kib}")
        conn.execute(f"PRAGMA journal_size_limit = {self.WAL_LIMIT_BYTES}")
        # Only a committing writer checkpoints by itself, and by then the checkpoint thread has
        # copied most of the WAL: what is left is short, and the WAL then starts over.
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        conn.execute(f"PRAGMA wal_autocheckpoint = {self.WAL_LIMIT_BYTES // page_size}")
        return conn

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self.connect()
        try:
            migrate(conn)
        finally:
            conn.close()
        self._stopping.clear()
        loops = (
            ("db-writer", self._write_loop),
            ("db-reader", self._read_loop),
            ("db-checkpoint", self._checkpoint_loop),
        )
        for name, target in loops:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    async def close(self) -> None:
        self._writes.put(_STOP)
        self._reads.put(_STOP)
        self._stopping.set()
        for thread in self._threads:
            await asyncio.to_thread(thread.join)
        self._threads.clear()

    def _submit(self, jobs: queue.SimpleQueue[Any], plan: Plan[T]) -> asyncio.Future[T]:
        if not self._threads:
            plan.close()
            raise RuntimeError("database is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        jobs.put(_Job(plan, future, loop))
        return future

    async def write(self, plan: Plan[T]) -> T:
        return await self._submit(self._writes, plan)

    async def read(self, plan: Plan[T]) -> T:
        return await self._submit(self._reads, plan)

    def retryable(self, exc: BaseException) -> bool:
        return False  # one writer thread: transactions never race

    def _write_loop(self) -> None:
        conn = self.connect()
        stopping = False
        while not stopping:
            first = self._writes.get()
            if first is _STOP:
                break
            batch: list[_Job] = [first]
            while len(batch) < self.max_batch:
                try:
                    job = self._writes.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    stopping = True
                    break
                batch.append(job)
            outcomes = self._run_batch(conn, batch)
            # One wake-up per event loop for the whole batch: each call_soon_threadsafe writes
            # to the loop's self-pipe (measured: 28 us each, a tenth of a reservation's cost).
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, ...]]] = {}
            for job, value, error in outcomes:
                by_loop.setdefault(job.loop, []).append((job.future, value, error))
            for loop, results in by_loop.items():
                loop.call_soon_threadsafe(_resolve_all, results)
        conn.close()

    def _run_batch(
        self, conn: sqlite3.Connection, batch: list[_Job]
    ) -> list[tuple[_Job, Any, BaseException | None]]:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        reused = Reused()
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT plan")
                try:
                    value = drive(conn, job.plan, reused)
                except Exception as exc:
                    reused.clear()  # what it read or wrote is undone
                    conn.execute("ROLLBACK TO plan")
                    conn.execute("RELEASE plan")
                    outcomes.append((job, None, exc))
                else:
                    conn.execute("RELEASE plan")
                    outcomes.append((job, value, None))
            conn.execute("COMMIT")
        except (
            Exception
        ) as exc:  # the commit itself failed (disk full, I/O error): nothing persisted
            log.exception("write batch failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [(job, None, exc) for job in batch]
        self.commits += 1
        self.plans_written += len(batch)
        return outcomes

    def _read_loop(self) -> None:
        conn = self.connect()
        while True:
            job = self._reads.get()
            if job is _STOP:
                break
            try:
                conn.execute("BEGIN")
                try:
                    value = drive(conn, job.plan)
                finally:
                    conn.execute("COMMIT")
            except Exception as exc:
                job.loop.call_soon_threadsafe(_resolve, job.future, None, exc)
            else:
                job.loop.call_soon_threadsafe(_resolve, job.future, value, None)
        conn.close()

    def _checkpoint_loop(self) -> None:
        """PASSIVE checkpoints copy the WAL back without waiting for anyone, alongside the
        writer. Under steady writes they never quite catch up with the WAL's end, and SQLite
        starts the WAL file over only after a checkpoint that did: the writer's own checkpoint,
        once the WAL passes WAL_LIMIT_BYTES, copies the little that is left and lets the next
        transaction start the file over (see connect)."""
        conn = self.connect(cache_kib=2048)  # copies WAL frames: a cache would not help
        while not self._stopping.wait(self.CHECKPOINT_EVERY):
            try:
                _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error:
                log.exception("checkpoint failed")
            else:
                self.last_checkpoint = (frames, copied)
        try:  # our writer has stopped: leave a short WAL (another process may still be writing)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            log.warning("could not truncate the WAL on close", exc_info=True)
        conn.close()


def _resolve_all(results: list[tuple[Any, ...]]) -> None:
    for future, value, error in results:
        _resolve(future, value, error)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not seen, each in its own transaction."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    current = row[0] or 0
    for number, statements in enumerate(MIGRATIONS, start=1):
        if number <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        for sql in statements:
            conn.execute(sql)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        conn.execute("COMMIT")
        log.info("database migrated", extra={"version": number})
