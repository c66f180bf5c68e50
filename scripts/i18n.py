"""The message catalogues: `python scripts/i18n.py` extracts every marked message and adds new
ones to each language's catalogue (empty, for a translator), keeping what is translated;
`--check` only reports what is missing (tests/unit/test_i18n.py runs the same check).

Marked messages: `_("...")`, `_.n("one", "many", n)` and `N_("...")` in Python; `t("...")` and
`tn("one", "many", n)` in the browser code (shared_protocol/i18n.py names the domains).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "shared_protocol" / "locales"
KEYWORDS = {
    "python": {"_": None, "N_": None, "n": (1, 2)},
    "javascript": {"t": None, "tn": (1, 2)},
}
# Where each domain's messages are written, and how they are read.
SOURCES: dict[str, list[tuple[str, str]]] = {
    "market": [("storefront_templates/src/market", "javascript")],
    "hub": [("cartstart_server", "python")],
    "desktop": [("cartstart_desktop", "python")],
}
TRANSLATED = ("sr",)
CLDR = {"sr": "sr_Latn"}

Message = str | tuple[str, str]


def messages(domain: str) -> dict[Message, list[tuple[str, int]]]:
    """Every message marked in a domain's sources, with where it is used."""
    found: dict[Message, list[tuple[str, int]]] = {}
    for folder, method in SOURCES[domain]:
        suffix = ".py" if method == "python" else ".js"
        for path in sorted((ROOT / folder).rglob(f"*{suffix}")):
            with path.open("rb") as source:
                for line, text, _comments, _context in extract(
                    method, source, keywords=KEYWORDS[method]
                ):
                    key: Message = text if isinstance(text, str) else (text[0], text[1])
                    found.setdefault(key, []).append((str(path.relative_to(ROOT)), line))
    return found


def po_path(lang: str, domain: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


def load(lang: str, domain: str) -> Catalog:
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(locale=CLDR[lang], domain=domain, project="CartStart")
    with path.open("rb") as po:
        return read_po(po, locale=CLDR[lang], domain=domain)


def missing(lang: str, domain: str) -> Iterator[tuple[Message, list[tuple[str, int]]]]:
    """Marked messages with no (or a fuzzy, or a partial plural) translation."""
    catalog = load(lang, domain)
    for key, where in messages(domain).items():
        entry = catalog.get(key if isinstance(key, str) else key[0])
        strings = [] if entry is None else entry.string
        forms = list(strings) if isinstance(strings, tuple | list) else [strings]
        if entry is None or entry.fuzzy or not forms or not all(forms):
            yield key, where


def update(lang: str, domain: str) -> int:
    """Adds new messages (untranslated), drops ones no longer used; returns how many are new."""
    catalog = load(lang, domain)
    template = Catalog(locale=CLDR[lang], domain=domain, project="CartStart")
    for key, where in messages(domain).items():
        template.add(key, locations=where)
    before = {m.id for m in catalog if m.id}
    created = catalog.creation_date  # kept: a new date on every run only makes merge conflicts
    catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = created
    catalog.obsolete.clear()
    path = po_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=True, include_previous=False)
    return len({m.id for m in catalog if m.id} - before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report untranslated messages")
    args = parser.parse_args(argv)
    untranslated = 0
    for lang in TRANSLATED:
        for domain in SOURCES:
            if not args.check:
                added = update(lang, domain)
                print(f"{lang}/{domain}.po: {added} new")
            for key, where in missing(lang, domain):
                untranslated += 1
                file, line = where[0]
                print(f"{lang}/{domain}: untranslated {key!r} ({file}:{line})")
    return 1 if args.check and untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
