"""Money on the marketplace, as rules: exchange rates (units of a currency per 1 of the base,
dated, set by the hub admin), conversion with Decimal, and the price ranges of the facets in the
buyer's display currency. Orders and quotes never convert: they stay in each store's currency."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.i18n import Words, money
from shared_protocol.money import exponent

DEFAULT_BASE = "EUR"
MAX_RATES = 200
_CODE = re.compile(r"^[A-Z]{3}$")
_RATE = re.compile(r"^\d{1,12}(\.\d{1,12})?$")
# Price ranges in major units of the base, scaled to the display currency's magnitude.
_EDGES = (0, 10, 50, 100, 500, 1000, 5000)


@dataclass(frozen=True, slots=True)
class Rates:
    """The exchange rates in force: the newest dated set (or none: only the base is known)."""

    base: str = DEFAULT_BASE
    date: str | None = None
    rates: dict[str, Decimal] = field(default_factory=dict)  # the base excluded

    def rate(self, currency: str) -> Decimal | None:
        return Decimal(1) if currency == self.base else self.rates.get(currency)

    def currencies(self) -> list[str]:
        return [self.base, *sorted(c for c in self.rates if c != self.base)]

    def check(self, currency: str) -> str:
        if self.rate(currency) is None:
            raise ProtocolError(
                ErrorCode.UNKNOWN_CURRENCY,
                f"no exchange rate for {currency!r}: choose one of " + ", ".join(self.currencies()),
                currency=currency,
            )
        return currency

    def convert(self, amount: int, source: str, target: str) -> int | None:
        """Minor units of `source` as minor units of `target` (None: no rate for one of them)."""
        if source == target:
            return amount
        r_source, r_target = self.rate(source), self.rate(target)
        if r_source is None or r_target is None:
            return None
        major = Decimal(amount).scaleb(-exponent(source)) / r_source * r_target
        return int(major.scaleb(exponent(target)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def in_base(self, amount: int, currency: str) -> float | None:
        """Major units of the base (the index keeps prices so, to count ranges)."""
        rate = self.rate(currency)
        if rate is None:
            return None
        return float(Decimal(amount).scaleb(-exponent(currency)) / rate)

    def to_base(self, amount_minor: int, currency: str) -> float:
        """A display-currency bound (minor units) in major units of the base."""
        rate = self.rate(currency)
        assert rate is not None, "checked currency"
        return float(Decimal(amount_minor).scaleb(-exponent(currency)) / rate)


def parse_rates(doc: Any) -> tuple[str, str, dict[str, Decimal]]:
    """A rates set as the admin sends it: `{"base": "EUR", "date": "2026-11-30", "rates":
    {"RSD": "117.17"}}` (units of the currency per 1 base, as decimal text)."""
    if not isinstance(doc, dict):
        raise _bad('send {"base": "EUR", "date": "YYYY-MM-DD", "rates": {"RSD": "117.17"}}')
    base, date, rates = doc.get("base"), doc.get("date"), doc.get("rates")
    if not isinstance(base, str) or not _CODE.match(base):
        raise _bad("the base is a currency code of three capital letters, e.g. EUR")
    if not isinstance(date, str) or not _is_date(date):
        raise _bad("the date is a day written YYYY-MM-DD")
    if not isinstance(rates, dict) or not 1 <= len(rates) <= MAX_RATES:
        raise _bad(f'rates: 1 to {MAX_RATES} currencies, e.g. {{"RSD": "117.17"}}')
    out: dict[str, Decimal] = {}
    for code, text in rates.items():
        if not _CODE.match(str(code)) or code == base:
            raise _bad(f"{code!r} is not a currency code other than the base {base}")
        value = _decimal(text)
        if value is None or value <= 0:
            raise _bad(f'the rate of {code} is a positive decimal written as text, e.g. "117.17"')
        out[code] = value
    return base, date, out


def _decimal(text: Any) -> Decimal | None:
    if not isinstance(text, str) or not _RATE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _is_date(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Bucket:
    low: int  # minor units of the display currency
    high: int | None  # None: open above

    @property
    def id(self) -> str:
        return f"{self.low}-{'' if self.high is None else self.high}"


def buckets(currency: str, rates: Rates) -> list[Bucket]:
    """The price ranges shown in `currency`: 0-10-50-100-500-1,000-5,000 of the base, scaled to
    a round power of ten of the display currency (`RSD`: 0 – 1,000 RSD, …)."""
    rate = rates.rate(currency) or Decimal(1)
    scale = 10 ** max(0, math.floor(math.log10(rate))) if rate >= 1 else 1
    unit = scale * 10 ** exponent(currency)
    edges = [e * unit for e in _EDGES]
    return [Bucket(lo, hi) for lo, hi in itertools.pairwise(edges)] + [Bucket(edges[-1], None)]


def parse_bucket(bucket_id: str, currency: str, rates: Rates) -> Bucket:
    for bucket in buckets(currency, rates):
        if bucket.id == bucket_id:
            return bucket
    raise ProtocolError(
        ErrorCode.BAD_QUERY,
        f"{bucket_id!r} is not one of the price ranges in {currency} (the facets list them)",
    )


def bucket_name(bucket: Bucket, currency: str, lang: str) -> str:
    _ = Words("hub", lang)
    low = money(bucket.low, currency, lang)
    if bucket.high is None:
        return _("{low} and more", low=low)
    return _("{low} – {high}", low=low, high=money(bucket.high, currency, lang))


def _bad(reason: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_MESSAGE, f"rates not set: {reason}")
