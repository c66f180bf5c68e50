"""Languages (shared_protocol/i18n.py): every marked message is translated, the language is
chosen from what the reader's browser or system asks, and amounts and dates follow the locale."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from shared_protocol import i18n

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_every_marked_message_is_translated(domain: str) -> None:
    script = _script()
    untranslated = [
        f"{key!r} at {where[0][0]}:{where[0][1]}" for key, where in script.missing("sr", domain)
    ]
    assert untranslated == [], "run scripts/i18n.py and translate:\n" + "\n".join(untranslated)


@pytest.mark.parametrize(
    ("wishes", "expected"),
    [
        (("sr-Latn-RS,sr;q=0.9,en;q=0.8",), "sr"),
        (("de-DE,de;q=0.9,sr;q=0.5,en;q=0.4",), "sr"),
        (("en;q=0.3,sr;q=0.7",), "sr"),
        (("fr",), "en"),
        ((None, "sr_RS.UTF-8"), "sr"),
        (("sr_RS@latin",), "sr"),
        (("", None), "en"),
        (("en", "sr"), "en"),
        (("sr;q=0",), "en"),
        (("x;q=abc, sr",), "sr"),
    ],
)
def test_the_language_is_the_first_supported_wish(
    wishes: tuple[str | None, ...], expected: str
) -> None:
    assert i18n.pick(*wishes) == expected


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    catalog = Catalog(locale="sr_Latn", domain="hub")
    catalog.add("Hello {name}", "Zdravo {name}")
    catalog.add(("{n} line", "{n} lines"), ("{n} stavka", "{n} stavke", "{n} stavki"))
    catalog.add("Half done", "Napola", flags=("fuzzy",))
    folder = tmp_path / "sr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "hub.po").open("wb") as po:
        write_po(po, catalog)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n._translations.cache_clear()
    yield tmp_path
    i18n._translations.cache_clear()


def test_words_translate_and_fill_placeholders(catalogues: Path) -> None:
    sr = i18n.Words("hub", "sr")
    assert sr("Hello {name}", name="<b>Ana</b>") == "Zdravo <b>Ana</b>"
    assert sr("Half done") == "Half done"  # fuzzy: English shows until a translator confirms
    assert sr("Not in the catalogue") == "Not in the catalogue"
    assert [sr.n("{n} line", "{n} lines", n) for n in (1, 3, 5, 21, 12)] == [
        "1 stavka",
        "3 stavke",
        "5 stavki",
        "21 stavka",
        "12 stavki",
    ]
    en = i18n.Words("hub", "xx")
    assert en.lang == "en" and en.n("{n} line", "{n} lines", 2) == "2 lines"


def test_pages_get_plural_forms_by_cldr_category(catalogues: Path) -> None:
    words = i18n.catalogue("hub", "sr")
    assert words["Hello {name}"] == "Zdravo {name}"
    assert words["{n} line"] == {"one": "{n} stavka", "few": "{n} stavke", "other": "{n} stavki"}
    assert "Half done" not in words
    assert i18n.catalogue("hub", "en") == {}


def test_an_unknown_domain_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown message domain"):
        i18n.Words("nope", "en")


def test_amounts_and_dates_follow_the_locale() -> None:
    assert i18n.money(123450, "EUR", "en") == "€1,234.50"
    assert i18n.money(123450, "RSD", "sr") == "1.234,50\xa0RSD"
    assert i18n.money(1234, "JPY", "en") == "¥1,234"  # no minor unit
    day = dt.date(2026, 11, 30)
    assert i18n.date(day, "en") == "Nov 30, 2026"
    assert i18n.date(day, "sr") == "30. 11. 2026."
    assert i18n.date(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC).timestamp(), "sr") == (
        "30. 11. 2026."
    )
