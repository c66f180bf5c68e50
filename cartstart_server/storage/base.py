"""The storage interface the hub is written against (one implementation per engine)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from .sql import Plan

T = TypeVar("T")


class Database(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def write(self, plan: Plan[T]) -> T:
        """Run `plan` in a durable read-write transaction. If it raises, nothing it did persists."""
        ...

    async def read(self, plan: Plan[T]) -> T:
        """Run `plan` in a consistent read-only transaction."""
        ...

    def retryable(self, exc: BaseException) -> bool:
        """Whether a failed write lost a race (deadlock, serialization) and may simply be rerun."""
        ...
