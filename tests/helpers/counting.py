"""A Database that counts what goes through it: write transactions, and the statements plans
yield (reads and writes). It wraps a real database; every plan still runs on it."""

from __future__ import annotations

from typing import TypeVar

from cartstart_server.storage.base import Database
from cartstart_server.storage.sql import Plan, Row, Stmt

T = TypeVar("T")


class CountingDatabase:
    def __init__(self, inner: Database) -> None:
        self.inner = inner
        self.writes = 0  # write transactions
        self.write_statements = 0
        self.reads = 0

    def _counted(self, plan: Plan[T]) -> Plan[T]:
        rows: list[Row] | None = None
        try:
            stmt: Stmt = plan.send(None)  # type: ignore[arg-type]  # starts the generator
            while True:
                self.write_statements += 1
                rows = yield stmt
                stmt = plan.send(rows)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        finally:
            plan.close()

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def write(self, plan: Plan[T]) -> T:
        self.writes += 1
        return await self.inner.write(self._counted(plan))

    async def read(self, plan: Plan[T]) -> T:
        self.reads += 1
        return await self.inner.read(plan)

    def retryable(self, exc: BaseException) -> bool:
        return self.inner.retryable(exc)
