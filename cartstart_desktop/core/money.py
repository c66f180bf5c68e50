"""Money as integer minor units per currency, summed exactly (formatting: shared_protocol.money)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from shared_protocol.common import Money
from shared_protocol.money import format_money

__all__ = ["format_money", "format_totals", "times", "totals"]


def times(price: Money, qty: int) -> Money:
    return Money(amount=price.amount * qty, currency=price.currency)


def totals(lines: Iterable[tuple[Money, int]]) -> dict[str, int]:
    """Sums of price x quantity per currency (never converted, never mixed)."""
    out: dict[str, int] = defaultdict(int)
    for price, qty in lines:
        out[price.currency] += price.amount * qty
    return dict(sorted(out.items()))


def format_totals(sums: dict[str, int]) -> str:
    return " + ".join(format_money(amount, cur) for cur, amount in sums.items()) or "—"
