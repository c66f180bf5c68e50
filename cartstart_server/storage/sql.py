"""Transactions as plans: a generator yields SQL statements and receives their rows.

A plan does no I/O itself, so one plan runs on any backend: the SQLite driver steps it inside its
database thread (many plans per commit), the PostgreSQL driver steps it on a connection. SQL is
written once, with `?` placeholders, in the subset both engines speak (RETURNING, ON CONFLICT,
partial indexes).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..domain.topics import Frame, ProductKey

T = TypeVar("T")
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Stmt:
    sql: str
    params: tuple[Any, ...] = ()
    # A read of this table whose rows a later plan of the same transaction may reuse (the SQLite
    # driver commits many plans at once) until a statement naming the table runs. Read-only rows.
    reuse: str | None = None


Plan = Generator[Stmt, list[Row], T]


def one(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None


class PlanRun(Generic[T]):
    """How every driver steps a plan, whatever runs the statements:

        with PlanRun(plan) as run:
            while (stmt := run.stmt) is not None:
                run.feed(rows of executing stmt)
        return run.result

    A statement that fails (the driver raises) closes the plan, so its `finally` blocks run."""

    __slots__ = ("_plan", "_result", "stmt")

    def __init__(self, plan: Plan[T]) -> None:
        self._plan = plan
        self.stmt: Stmt | None = None  # the statement to run next; None once the plan is done
        self._result: T | None = None
        self.feed(None)  # type: ignore[arg-type]  # sending None starts a generator

    def feed(self, rows: list[Row]) -> None:
        """Hand the plan the rows of `stmt`; it answers with its next statement or its end."""
        try:
            self.stmt = self._plan.send(rows)
        except StopIteration as stop:
            self.stmt, self._result = None, stop.value

    @property
    def result(self) -> T:
        assert self.stmt is None, "the plan has not finished"
        return self._result  # type: ignore[return-value]

    def __enter__(self) -> PlanRun[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._plan.close()


@dataclass(slots=True)
class Effects:
    """What a committed transaction must tell the world. Filled by plans, published only after
    the commit succeeded (a rolled-back plan's effects are dropped with it)."""

    streams: list[tuple[str, Frame]] = field(default_factory=list)  # (stream, frame) in order
    # The latest (available, version) per product whose count changed.
    availability: dict[ProductKey, tuple[int, int]] = field(default_factory=dict)
    deadlines: list[float] = field(default_factory=list)
