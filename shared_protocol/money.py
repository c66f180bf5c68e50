"""Showing money: integer minor units of an ISO 4217 currency, formatted only for display.

Shared by the desktop cart and the storefront templates, so a price reads the same in both."""

from __future__ import annotations

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
