"""Money as integer minor units per currency: summed exactly, formatted only for display."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from shared_protocol.common import Money

# ISO 4217 minor units that are not 2.
_EXPONENT = {
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0, "PYG": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
}  # fmt: skip
_SYMBOL = {"EUR": "€", "GBP": "£", "USD": "$", "JPY": "¥", "INR": "₹", "CHF": "CHF "}


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency, 2)


def format_money(amount: int, currency: str) -> str:
    """1999, "EUR" -> "€19.99"; 1500, "JPY" -> "¥1,500"; 1999, "SEK" -> "19.99 SEK"."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**digits)
    text = f"{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")
    symbol = _SYMBOL.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


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
