"""The marketplace's search index: tantivy, embedded, one per hub node (bench/search_tantivy.py
and docs/benchmarks.md section 11 measured it). Every call here blocks: services/market.py runs
them on its own threads, never on the event loop.

Partial words: tantivy matches terms, so "inside a word" needs terms that start there: every
name and tag word, and the whole code, is also indexed as all its suffixes, and a query word
matches as a prefix (regex `word.*`, one branch of the term dictionary) of some suffix. Typos:
a Levenshtein automaton (`fuzzy_term_query`, swaps cost one) over whole name and tag words, never
codes. Facets: one `aggregate` call over fast fields. Rank: constant-score clauses with the
weights of domain/market_query.py; ties in document order.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from ..domain import market_query as rules
from ..domain.market_query import Word

_REGEX_META = re.compile(r"([\\.+*?()|\[\]{}^$#&~\-\"<>@%=!,/:;'`])")
TREE_FIELDS = ("industry", "area", "category", "subcategory")
FACET_FIELDS = ("store", *TREE_FIELDS, "in_stock")
_MAX_BUCKETS = 10_000
_HEAP = 32_000_000  # the writer's buffer: a build flushes a segment per 32 MB, merged after


@dataclass(frozen=True, slots=True)
class Entry:
    """A product as the index keeps it: what is searched, filtered and counted, and `shown` (the
    result's stored JSON, so a page of results needs no database read)."""

    key: str
    name: str
    code: str
    tags: list[str]
    store_id: str
    path_ids: list[str]  # industry .. subcategory; [] when unmapped
    in_stock: bool
    price_base: float | None  # major units of the base currency; None: no rate
    shown: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Filters:
    store: str | None = None
    tree: dict[str, str] = field(default_factory=dict)  # field in TREE_FIELDS -> node id
    in_stock: bool | None = None
    price: tuple[float, float | None] | None = None  # [low, high) in major units of the base


@dataclass(frozen=True, slots=True)
class Found:
    total: int
    shown: list[dict[str, Any]]
    facets: dict[str, dict[str, int]]  # field -> id -> count
    prices: list[int]  # per price range asked for, in order


def key_of(store_id: str, product_id: str) -> str:
    return f"{store_id}\x1f{product_id}"


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("key", tokenizer_name="raw", index_option="basic")
    b.add_bytes_field("shown", stored=True)
    for f in ("name", "tags", "code", "name_sfx", "tags_sfx", "code_sfx"):
        b.add_text_field(f, tokenizer_name="raw", index_option="basic")
    for f in ("store", *TREE_FIELDS):
        b.add_text_field(f, tokenizer_name="raw", fast=True, index_option="basic")
    b.add_unsigned_field("in_stock", indexed=True, fast=True)
    b.add_float_field("price", indexed=True, fast=True)
    return b.build()


def _document(e: Entry) -> tantivy.Document:
    name = rules.words_of(e.name)
    tags = [w for t in e.tags for w in rules.words_of(t)]
    code = rules.code_term(e.code)
    doc = tantivy.Document()
    doc.add_text("key", e.key)
    doc.add_bytes("shown", json.dumps(e.shown, separators=(",", ":")).encode())
    for value in name:
        doc.add_text("name", value)
    for value in tags:
        doc.add_text("tags", value)
    if code:
        doc.add_text("code", code)
    for f, words in (("name_sfx", name), ("tags_sfx", tags), ("code_sfx", [code] if code else [])):
        for suffix in {s for w in words for s in rules.suffixes(w)}:
            doc.add_text(f, suffix)
    doc.add_text("store", e.store_id)
    for f, node_id in zip(TREE_FIELDS, e.path_ids, strict=False):
        doc.add_text(f, node_id)
    doc.add_unsigned("in_stock", int(e.in_stock))
    if e.price_base is not None:
        doc.add_float("price", e.price_base)
    return doc


class MarketIndex:
    """One node's index: rebuilt whole at start (and when the tree or the rates change), kept
    current one change at a time. `directory` None keeps it in memory."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._schema = _schema()
        self._generation = 0
        self._lock = threading.Lock()  # one writer at a time (rebuild or apply)
        # Empty and in memory until the first rebuild: building a Hub touches no disk.
        self._index = tantivy.Index(self._schema)
        self._writer: tantivy.IndexWriter | None = None

    def _new_index(self) -> tuple[tantivy.Index, tantivy.IndexWriter]:
        self._generation += 1
        if self._directory is None:
            index = tantivy.Index(self._schema)
        else:
            path = self._directory / f"g{self._generation}"
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            index = tantivy.Index(self._schema, path=str(path), reuse=False)
        return index, index.writer(heap_size=_HEAP, num_threads=1)

    def rebuild(self, entries: Iterable[Entry]) -> None:
        """A new index from scratch, swapped in whole once committed (searches meanwhile use
        the old one)."""
        with self._lock:
            old_index, old_writer = self._index, self._writer
            index, writer = self._new_index()
            for entry in entries:
                writer.add_document(_document(entry))
            writer.commit()
            # Let the merges of the build finish (fewer segments, faster searches), then a
            # fresh writer for the changes that follow.
            writer.wait_merging_threads()
            writer = index.writer(heap_size=_HEAP, num_threads=1)
            index.reload()
            self._index, self._writer = index, writer
            if old_writer is not None:
                old_writer.wait_merging_threads()
            del old_index
            if self._directory is not None:
                for path in self._directory.glob("g*"):
                    if path.name != f"g{self._generation}":
                        shutil.rmtree(path, ignore_errors=True)

    def apply(self, put: list[Entry], drop: list[str]) -> None:
        """Products changed (`put`) or gone from the marketplace (`drop`, by key): searchable
        once this returns."""
        with self._lock:
            assert self._writer is not None, "rebuild() first"
            for key in [*drop, *(e.key for e in put)]:
                self._writer.delete_documents_by_term("key", key)
            for entry in put:
                self._writer.add_document(_document(entry))
            self._writer.commit()
            self._index.reload()

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    def _clause(self, word: Word) -> tantivy.Query:
        s, w = self._schema, word.text
        prefix = _REGEX_META.sub(r"\\\1", w) + ".*"
        Q = tantivy.Query
        parts = [
            Q.const_score_query(Q.term_query(s, "code", w), rules.WEIGHT_CODE_EXACT),
            Q.const_score_query(Q.regex_query(s, "code_sfx", prefix), rules.WEIGHT_CODE_PART),
            Q.const_score_query(Q.regex_query(s, "name_sfx", prefix), rules.WEIGHT_NAME),
            Q.const_score_query(Q.regex_query(s, "tags_sfx", prefix), rules.WEIGHT_TAG),
        ]
        if word.typos:
            for f, weight in (("name", rules.WEIGHT_NAME_TYPO), ("tags", rules.WEIGHT_TAG_TYPO)):
                fuzzy = Q.fuzzy_term_query(s, f, w, distance=word.typos)
                parts.append(Q.const_score_query(fuzzy, weight))
        return Q.boolean_query([(tantivy.Occur.Should, q) for q in parts])

    def _query(self, words: list[Word], filters: Filters) -> tantivy.Query:
        s, Q = self._schema, tantivy.Query
        must: list[tantivy.Query] = [self._clause(w) for w in words]
        if filters.store is not None:
            must.append(Q.term_query(s, "store", filters.store))
        for f, node_id in filters.tree.items():
            must.append(Q.term_query(s, f, node_id))
        if filters.in_stock is not None:
            must.append(Q.term_query(s, "in_stock", int(filters.in_stock)))
        if filters.price is not None:
            low, high = filters.price
            must.append(
                Q.range_query(
                    s, "price", tantivy.FieldType.Float, low, high, include_upper=high is None
                )
            )
        if not must:
            return Q.all_query()
        # Filters only narrow: they score nothing, so the words alone rank.
        return Q.boolean_query(
            [(tantivy.Occur.Must, q) for q in must[: len(words)]]
            + [(tantivy.Occur.Must, Q.const_score_query(q, 0.0)) for q in must[len(words) :]]
        )

    def search(
        self,
        words: list[Word],
        filters: Filters,
        *,
        offset: int,
        limit: int,
        price_ranges: list[tuple[float, float | None]],
    ) -> Found:
        query = self._query(words, filters)
        searcher = self._index.searcher()
        result = searcher.search(query, limit, count=True, offset=offset)
        shown = [json.loads(bytes(searcher.doc(addr)["shown"][0])) for _, addr in result.hits]
        aggs = searcher.aggregate(query, _aggregations(price_ranges))
        facets = {f: _buckets(aggs.get(f)) for f in FACET_FIELDS}
        # tantivy adds a bucket below the first range (no "from"): not one of ours.
        price_buckets = [b for b in aggs.get("price", {}).get("buckets", []) if "from" in b]
        prices = [int(b["doc_count"]) for b in price_buckets]
        # `count` exists at run time (search(count=True)) but is missing from the stub.
        total = int(result.count or 0)  # type: ignore[attr-defined,unused-ignore]
        return Found(total, shown, facets, prices)

    def counts(self) -> dict[str, dict[str, int]]:
        """Listed products under each node of the tree (and in all)."""
        searcher = self._index.searcher()
        aggs = searcher.aggregate(tantivy.Query.all_query(), _aggregations([]))
        return {f: _buckets(aggs.get(f)) for f in TREE_FIELDS}


def _aggregations(price_ranges: list[tuple[float, float | None]]) -> dict[str, Any]:
    aggs: dict[str, Any] = {f: {"terms": {"field": f, "size": _MAX_BUCKETS}} for f in FACET_FIELDS}
    if price_ranges:
        ranges = [
            {"from": low, **({"to": high} if high is not None else {})}
            for low, high in price_ranges
        ]
        aggs["price"] = {"range": {"field": "price", "ranges": ranges, "keyed": False}}
    return aggs


def _buckets(agg: dict[str, Any] | None) -> dict[str, int]:
    if not agg:
        return {}
    out: dict[str, int] = {}
    for b in agg.get("buckets", []):
        key = b["key"]
        text = str(int(key)) if isinstance(key, float) else str(key)
        if b["doc_count"]:
            out[text] = int(b["doc_count"])
    return out
