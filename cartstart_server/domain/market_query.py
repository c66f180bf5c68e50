"""The marketplace's search, as rules: what a query is, how its words match, the typo budget,
the ranking weights and the refusals' words (docs/marketplace.md, "Searching"). No engine here:
services/market_index.py turns these rules into tantivy queries.

Matching: every word of the query must match the product's name, code or tags, as a whole word,
a prefix, or inside a word (so `2210` finds `157B2210`). Words of 5+ letters may have one typo,
9+ letters two, but never a word that holds a digit (a code) and never against product codes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.i18n import Words

MAX_QUERY = 200
PAGE_SIZE = 20
MAX_PAGE = 500  # 10,000 results deep is enough for a person; deeper pages are refused

# Ranking: an exact code match first, then words found in the name, then in the tags. The engine
# adds a word's weights up over the fields it matched in (constant scores, no term statistics).
WEIGHT_CODE_EXACT = 1000.0
WEIGHT_CODE_PART = 3.0
WEIGHT_NAME = 10.0
WEIGHT_NAME_TYPO = 5.0
WEIGHT_TAG = 1.0
WEIGHT_TAG_TYPO = 0.5

_FOLD = str.maketrans({"đ": "dj", "ß": "ss", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Lowercase without accents (`Čekić` -> `cekic`, `Đak` -> `djak`): buyers type either."""
    lowered = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _trim(token: str) -> str:
    """A word without the punctuation around it (`valve,` -> `valve`; `HC-M10` keeps its dash)."""
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not token[end - 1].isalnum():
        end -= 1
    return token[start:end]


def words_of(text: str) -> list[str]:
    """The words of a name, tag or query as the index and the query both see them."""
    return [w for w in (_trim(t) for t in fold(text).split()) if w]


def code_term(code: str) -> str:
    """A product code as one term (`157B2210` -> `157b2210`)."""
    return "".join(fold(code).split())


def suffixes(word: str) -> list[str]:
    """Every suffix of a word: a query word matches inside a word as a prefix of one of them."""
    return [word[i:] for i in range(len(word))]


def typo_budget(word: str) -> int:
    """Edits forgiven in a query word: 1 from 5 letters, 2 from 9; none in a code-like word."""
    if any(c.isdigit() for c in word):
        return 0
    letters = sum(1 for c in word if c.isalpha())
    return 2 if letters >= 9 else 1 if letters >= 5 else 0


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # folded
    typos: int  # edits forgiven against names and tags (never codes)


def parse(query: str, *, browsing: bool = False) -> list[Word]:
    """The words of a buyer's query, or `bad_query` with the reason in words. `browsing` (a
    store or a branch of the tree chosen) allows no words at all: everything under it."""
    trimmed = query.strip()
    if not trimmed and browsing:
        return []
    if not trimmed:
        raise bad_query("type a word or a product code to search")
    if len(trimmed) > MAX_QUERY:
        raise bad_query(f"a search can be at most {MAX_QUERY} characters long")
    words = words_of(trimmed)
    if not words:
        raise bad_query("a search needs at least one letter or digit")
    unique = list(dict.fromkeys(words))
    return [Word(w, typo_budget(w)) for w in unique]


def check_page(page: int) -> int:
    if not 1 <= page <= MAX_PAGE:
        raise bad_query(f"pages run from 1 to {MAX_PAGE}")
    return page


def pages_of(total: int) -> int:
    return (total + PAGE_SIZE - 1) // PAGE_SIZE


def bad_query(reason: str) -> ProtocolError:
    return ProtocolError(ErrorCode.BAD_QUERY, reason)


def in_stock_name(lang: str) -> str:
    """The in-stock facet's name."""
    _ = Words("hub", lang)
    return _("In stock")
