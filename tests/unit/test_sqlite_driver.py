"""The SQLite driver on a real file: group commit, and checkpoints kept out of the writer."""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial
from pathlib import Path

from cartstart_server.storage.sql import Plan, Stmt
from cartstart_server.storage.sqlite import Reused, SqliteDatabase, _Job, drive, migrate


def add_stream(owner: str) -> Plan[None]:
    yield Stmt("INSERT INTO streams (owner, head_seq) VALUES (?, 1)", (owner,))


async def test_checkpoint_thread_copies_the_wal_back(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite3"
    db = SqliteDatabase(path)
    db.CHECKPOINT_EVERY = 0.02
    await db.open()
    try:
        await asyncio.gather(*(db.write(add_stream(f"cart:{n}")) for n in range(500)))
        assert db.plans_written == 500 and db.commits < 500  # batched
        # The writer checkpoints by itself only past WAL_LIMIT_BYTES (64 MiB), far above these
        # rows: only the checkpoint thread can have copied them back.
        for _ in range(250):
            frames, copied = db.last_checkpoint
            if frames > 0 and copied == frames:
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError(f"WAL not checkpointed: {db.last_checkpoint}")
    finally:
        await db.close()
    assert wal_bytes(path) == 0  # truncated on close
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM streams").fetchone()[0] == 500
    finally:
        conn.close()


def wal_bytes(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


async def test_the_wal_stays_bounded_under_steady_writes(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite3"
    db = SqliteDatabase(path)
    db.WAL_LIMIT_BYTES = 256 * 1024
    db.CHECKPOINT_EVERY = 0.01
    await db.open()
    largest = 0
    try:
        for wave in range(40):  # about 16 MB of rows, 64 times the limit
            await asyncio.gather(
                *(db.write(add_stream(f"{wave}:{n}:" + "x" * 4000)) for n in range(100))
            )
            largest = max(largest, await asyncio.to_thread(wal_bytes, path))
    finally:
        await db.close()
    # Left to PASSIVE checkpoints alone, the WAL would hold every row written.
    assert 0 < largest < 4 * 1024 * 1024, largest


async def test_a_failed_plan_rolls_back_alone_in_its_batch(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "hub.sqlite3")
    await db.open()
    try:
        results = await asyncio.gather(
            db.write(add_stream("cart:a")),
            db.write(add_stream("cart:a")),  # duplicate key: this plan fails
            db.write(add_stream("cart:b")),
            return_exceptions=True,
        )
        assert results[0] is None and results[2] is None
        assert isinstance(results[1], sqlite3.IntegrityError)

        def owners() -> Plan[list[str]]:
            rows = yield Stmt("SELECT owner FROM streams ORDER BY owner")
            return [r["owner"] for r in rows]

        assert await db.read(owners()) == ["cart:a", "cart:b"]
    finally:
        await db.close()


class Counting:
    """A connection that counts the statements it runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.sql: list[str] = []

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        self.sql.append(sql)
        return self.conn.execute(sql, params)


def store_name(store_id: str) -> Plan[str]:
    rows = yield Stmt("SELECT name FROM stores WHERE id = ?", (store_id,), reuse="stores")
    return str(rows[0]["name"])


def rename(store_id: str, name: str) -> Plan[None]:
    yield Stmt("UPDATE stores SET name = ? WHERE id = ?", (name, store_id))


def test_a_reused_read_is_read_again_once_its_table_was_written(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "hub.sqlite3")
    conn = db.connect()
    migrate(conn)
    conn.execute(
        "INSERT INTO stores (id, name, key_hash, default_ttl, renewal_limit, origins, created_at) "
        "VALUES ('s1', 'Old', 'k', 60, 3, '[]', 0)"
    )
    counting, reused = Counting(conn), Reused()
    run = partial(drive, counting, reused=reused)  # type: ignore[arg-type]
    assert run(store_name("s1")) == "Old"
    assert run(store_name("s1")) == "Old"
    assert len(counting.sql) == 1  # the second plan reused the first one's rows
    run(rename("s1", "New"))
    assert run(store_name("s1")) == "New"  # the write dropped what was kept
    reused.clear()  # a plan rolled back, or a new transaction
    assert run(store_name("s1")) == "New"
    assert len(counting.sql) == 4
    conn.close()


async def test_a_rolled_back_write_is_not_seen_by_the_next_plan_of_its_batch(
    tmp_path: Path,
) -> None:
    db = SqliteDatabase(tmp_path / "hub.sqlite3")
    await db.open()
    try:

        def create() -> Plan[None]:
            yield Stmt(
                "INSERT INTO stores (id, name, key_hash, default_ttl, renewal_limit, origins, "
                "created_at) VALUES ('s1', 'Old', 'k', 60, 3, '[]', 0)"
            )

        await db.write(create())

        def rename_then_fail() -> Plan[None]:
            assert (yield from store_name("s1")) == "Old"
            yield from rename("s1", "Gone")
            assert (yield from store_name("s1")) == "Gone"
            yield Stmt("SELECT no_such_column FROM streams")  # fails: the plan rolls back

        loop = asyncio.get_running_loop()
        plans = [store_name("s1"), rename_then_fail(), store_name("s1")]
        jobs = [_Job(plan, loop.create_future(), loop) for plan in plans]
        conn = db.connect()
        try:
            outcomes = db._run_batch(conn, jobs)  # one transaction, as the writer runs it
        finally:
            conn.close()
        assert [value for _, value, _ in outcomes] == ["Old", None, "Old"]
        assert isinstance(outcomes[1][2], sqlite3.OperationalError)
    finally:
        await db.close()
