"""The desktop cart's language: every visible text goes through `_` (`_("Search")`,
`_.n("{n} item", "{n} items", n)`), the catalogue `desktop` of shared_protocol.i18n.

The language is the one the shopper chose in the app (settings.json), else the system's locale
(LC_ALL, LC_MESSAGES, LANG). It is process-wide: the window is rebuilt when it changes, so texts
already on screen are never half in one language. English is the source text and needs no
catalogue, so a cart in English opens without loading Babel.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared_protocol.i18n import Words

LANGUAGES = ("en", "sr")
NAMES = {"en": "English", "sr": "Srpski (latinica)"}
"""Each language by its own name, as a menu lists them (never translated)."""


def system_language(environ: dict[str, str] | None = None) -> str:
    """The language the system's locale asks for ("en" when it asks for none we speak)."""
    env = os.environ if environ is None else environ
    wishes = [env.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG")]
    wanted = [w for w in wishes if w and w not in ("C", "POSIX") and not w.startswith("C.")]
    if not wanted:
        return "en"
    from shared_protocol.i18n import pick

    return pick(*wanted)


def choose(saved: str, environ: dict[str, str] | None = None) -> str:
    """The shopper's own choice if any, else the system's."""
    return saved if saved in LANGUAGES else system_language(environ)


class Speaker:
    """Translates into the language in use; `use()` switches it for the whole app."""

    def __init__(self) -> None:
        self.lang = "en"
        self._words: Words | None = None

    def use(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        if self.lang == "en":
            self._words = None
            return
        from shared_protocol.i18n import Words

        self._words = Words("desktop", self.lang)

    def __call__(self, message: str, /, **values: Any) -> str:
        text = message if self._words is None else self._words(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        if self._words is None:
            text = singular if count == 1 else plural
        else:
            text = self._words._t.ngettext(singular, plural, count)
        return text.format(n=count, **values)


_ = Speaker()
"""The one translator: `from ..core.lang import _`."""


def number(value: int) -> str:
    """A whole number as the reader writes it: "10,000"; in Serbian "10.000"."""
    if _.lang == "en":
        return f"{value:,}"
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale="sr_Latn"))


def day_and_time(timestamp: float) -> str:
    """A moment in local time, short: "30 Nov 14:05"; in Serbian "30. nov 14:05"."""
    if _.lang == "en":
        return time.strftime("%d %b %H:%M", time.localtime(timestamp))
    return _babel_moment(timestamp, "d. MMM HH:mm")


def day(timestamp: float) -> str:
    """A day in local time: "30 Nov 2026"; in Serbian "30. nov 2026."."""
    if _.lang == "en":
        return time.strftime("%d %b %Y", time.localtime(timestamp))
    return _babel_moment(timestamp, "d. MMM y.")


def _babel_moment(timestamp: float, pattern: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(dt.datetime.fromtimestamp(timestamp), pattern, locale="sr_Latn")


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; `_()` translates it where shown."""
    return message
