"""Transactions as plans: a generator yields SQL statements and receives their rows.

A plan does no I/O itself, so one plan runs on any backend: the SQLite driver steps it inside its
database thread (many plans per commit), the PostgreSQL driver steps it on a connection. SQL is
written once, with `?` placeholders, in the subset both engines speak (RETURNING, ON CONFLICT,
partial indexes).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Stmt:
    sql: str
    params: tuple[Any, ...] = ()


Plan = Generator[Stmt, list[Row], T]


def one(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    owner: str
    seq: int
    frame: str


@dataclass(slots=True)
class Effects:
    """What a committed transaction must tell the world. Filled by plans, published by the Hub only
    after the commit succeeded (a rolled-back plan's effects are dropped with it)."""

    outbox: list[OutboxEntry] = field(default_factory=list)
    availability: dict[tuple[str, str], str] = field(default_factory=dict)
    deadlines: list[float] = field(default_factory=list)
