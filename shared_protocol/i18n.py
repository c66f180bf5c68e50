"""Languages: the marketplace, the emails the hub sends and the desktop cart speak English and
Serbian (Latin script). English is the source text; other languages are gettext catalogues
(`locales/<lang>/LC_MESSAGES/<domain>.po`), read with Babel. Amounts and dates are formatted for
the reader's locale with Babel too (CLDR data), never by hand.

Domains: `market` (the marketplace pages, keyword `t`/`tn` in storefront_templates/src/market),
`hub` (what the hub writes to people: emails and API words, keyword `_`/`_n` in
cartstart_server), `desktop` (the desktop cart, keyword `_`/`_n` in cartstart_desktop).
`scripts/i18n.py` extracts the messages and updates the catalogues; tests/unit/test_i18n.py fails
when a marked message has no translation.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_precision

LANGUAGES = ("en", "sr")
DEFAULT_LANGUAGE = "en"
DOMAINS = ("market", "hub", "desktop")
LOCALES_DIR = Path(__file__).parent / "locales"
# The CLDR locale each language is formatted in: Serbian in Latin script.
_CLDR = {"en": "en", "sr": "sr_Latn"}
# Names people use for a language, in a header (`sr-Latn-RS`), a system locale (`sr_RS.UTF-8`,
# `sr_RS@latin`) or a query (`sr`): the first part decides.
_TAG = re.compile(r"[A-Za-z]{1,8}")


def pick(*wishes: str | None) -> str:
    """The first supported language among `wishes` (most wanted first). Each wish may be a
    language tag, a system locale name or an Accept-Language header (its q-values respected)."""
    for wish in wishes:
        for tag in _ranked(wish or ""):
            lang = tag.lower()
            if lang in LANGUAGES:
                return lang
    return DEFAULT_LANGUAGE


def _ranked(wish: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(wish.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        first = _TAG.match(tag.strip())
        if first and q > 0:
            ranked.append((-q, position, first.group(0)))
    return [tag for _, _, tag in sorted(ranked)]


@functools.cache
def _translations(domain: str, lang: str) -> gettext.NullTranslations:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=_CLDR[lang], domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # untranslated and fuzzy entries are left out: English shows
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Words:
    """One domain's messages in one language: `_ = Words("hub", lang)`, then `_("Hello {name}",
    name=...)` and `_.n("{n} line", "{n} lines", n)`. Placeholders are filled after translation,
    so a translation may move them."""

    def __init__(self, domain: str, lang: str) -> None:
        if domain not in DOMAINS:
            raise ValueError(f"unknown message domain {domain!r}")
        self.domain = domain
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._t = _translations(domain, self.lang)

    def __call__(self, message: str, **values: Any) -> str:
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, **values: Any) -> str:
        text = self._t.ngettext(singular, plural, count)
        return text.format(n=count, **values)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def catalogue(domain: str, lang: str) -> dict[str, str | dict[str, str]]:
    """A domain's translations for pages: a message, or for plurals its forms by CLDR category
    (`one`, `few`, `other`), which the browser picks with `Intl.PluralRules`."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as po:
        catalog = read_po(po, locale=_CLDR[lang], domain=domain)
    categories = _plural_categories(lang)
    out: dict[str, str | dict[str, str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, tuple | list):
            forms = list(message.string)
            if all(forms):
                out[message.id[0]] = {cat: forms[i] for i, cat in categories.items()}
        else:
            out[str(message.id)] = str(message.string)
    return out


@functools.cache
def _plural_categories(lang: str) -> dict[int, str]:
    """gettext's plural index -> CLDR category, found by asking both the same numbers."""
    rule = Locale.parse(_CLDR[lang]).plural_form
    plural = gettext.c2py(Catalog(locale=_CLDR[lang]).plural_expr)
    found: dict[int, str] = {}
    for n in range(0, 200):
        found.setdefault(plural(n), rule(n))
    return found


def money(amount_minor: int, currency: str, lang: str) -> str:
    """An amount in minor units (cents, para) as the reader writes it: `€1,234.50`,
    `1.234,50 RSD`."""
    digits = get_currency_precision(currency)
    return format_currency(
        Decimal(amount_minor).scaleb(-digits), currency, locale=_CLDR.get(lang, "en")
    )


def number(value: Decimal | float | int, lang: str) -> str:
    return format_decimal(value, locale=_CLDR.get(lang, "en"))


def date(value: dt.date | dt.datetime | float, lang: str) -> str:
    """A day as the reader writes it: `Nov 30, 2026`, `30. 11. 2026.`"""
    if isinstance(value, float | int):
        value = dt.datetime.fromtimestamp(value, dt.UTC)
    return format_date(value, format="medium", locale=_CLDR.get(lang, "en"))


def moment(value: float, lang: str) -> str:
    """A point in time (UTC) as the reader writes it."""
    when = dt.datetime.fromtimestamp(value, dt.UTC)
    return format_datetime(when, format="medium", tzinfo=dt.UTC, locale=_CLDR.get(lang, "en"))
