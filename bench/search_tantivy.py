"""The tantivy engine of bench/search_engines.py (the official Python binding, `tantivy` on PyPI).

Partial words: tantivy matches terms, so "inside a word" needs terms that start there. Every
word of a name and of the tags (split on spaces, as the LIKE scan sees them), and the whole
code, is also indexed as all its suffixes
(`*_sfx` fields, raw, lowercased by us); a word matches inside a word or code as a prefix
(regex `word.*`, which walks only that branch of the term dictionary) of some suffix.
Typos: `fuzzy_term_query` (a Levenshtein automaton, swaps cost one) over the name's and the
tags' whole words; never over codes. Facets: one `aggregate` call (terms and range
aggregations over fast fields) with the same query. Rank: constant-score clauses with boosts,
so a whole-code match (1000) comes before name matches (10 a word, 5 with a typo), before tag
matches (1, 0.5 with a typo); ties in tantivy's document order.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import tantivy

from bench.search_data import PRICE_RANGES, Product
from bench.search_sqlite import Found, typo_budget

REGEX_META = re.compile(r"([\\.+*?()|\[\]{}^$#&~-])")


def suffixes(word: str) -> list[str]:
    return [word[i:] for i in range(len(word))]


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("pid", stored=True, indexed=True, fast=True)
    b.add_text_field("name", tokenizer_name="default", index_option="basic")
    b.add_text_field("tags", tokenizer_name="default", index_option="basic")
    b.add_text_field("code", tokenizer_name="raw", index_option="basic")
    for f in ("name_sfx", "tags_sfx", "code_sfx"):
        b.add_text_field(f, tokenizer_name="raw", index_option="basic")
    for f in ("industry", "area", "category", "subcategory"):
        b.add_text_field(f, tokenizer_name="raw", fast=True, index_option="basic")
    b.add_unsigned_field("store", indexed=True, fast=True)
    b.add_unsigned_field("in_stock", indexed=True, fast=True)
    b.add_float_field("price", indexed=True, fast=True)
    return b.build()


def document(p: Product) -> tantivy.Document:
    name, tags, code = p.name.lower(), " ".join(p.tags).lower(), p.code.lower()
    doc = tantivy.Document(
        name=name,
        tags=tags,
        code=code,
        name_sfx=[s for w in name.split() for s in suffixes(w)],
        tags_sfx=[s for w in tags.split() for s in suffixes(w)],
        code_sfx=suffixes(code),
        industry=p.industry,
        area=p.area,
        category=p.category,
        subcategory=p.subcategory,
        price=p.price,
    )
    # Python ints as keywords are taken as i64: the unsigned fields are added explicitly.
    doc.add_unsigned("pid", p.id)
    doc.add_unsigned("store", p.store)
    doc.add_unsigned("in_stock", int(p.in_stock))
    return doc


AGGS: dict[str, Any] = {
    **{f: {"terms": {"field": f, "size": 1000}} for f in ["store", "industry", "area", "category",
                                                       "subcategory", "in_stock"]},
    "price": {"range": {"field": "price", "ranges": [
        {"key": f"{lo:g}-{hi:g}", **({"from": lo} if lo else {}), **({"to": hi} if hi != float("inf") else {})}
        for lo, hi in PRICE_RANGES]}},
}  # fmt: skip


class TantivyEngine:
    name = "tantivy"

    def __init__(self, path: Path, create: bool = True) -> None:
        """A new index at `path` (a 256 MB indexing buffer), or the one there (64 MB, enough
        for single changes)."""
        self.path = path
        if create:
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            self.index = tantivy.Index(schema(), path=str(path))
        else:
            self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.writer = self.index.writer(heap_size=256_000_000 if create else 64_000_000)

    def build(self, items: list[Product]) -> dict[str, float]:
        """Documents made in Python (timed apart: it is half the time) and added in batches of
        10,000, then committed and merged by tantivy's own threads."""
        make = add = 0.0
        for i in range(0, len(items), 10_000):
            t0 = time.perf_counter()
            docs = [document(p) for p in items[i : i + 10_000]]
            t1 = time.perf_counter()
            for doc in docs:
                self.writer.add_document(doc)
            make, add = make + t1 - t0, add + time.perf_counter() - t1
        t0 = time.perf_counter()
        self.writer.commit()
        t1 = time.perf_counter()
        self.writer.wait_merging_threads()
        self.writer = self.index.writer(heap_size=64_000_000)
        self.index.reload()
        return {"documents_s": make, "add_s": add, "commit_s": t1 - t0,
                "merge_s": time.perf_counter() - t1}  # fmt: skip

    def clause(self, w: str) -> tantivy.Query:
        s = self.schema
        prefix = REGEX_META.sub(r"\\\1", w) + ".*"
        parts = [
            tantivy.Query.boost_query(tantivy.Query.term_query(s, "code", w), 1000.0),
            tantivy.Query.boost_query(tantivy.Query.regex_query(s, "code_sfx", prefix), 3.0),
            tantivy.Query.boost_query(tantivy.Query.regex_query(s, "name_sfx", prefix), 10.0),
            tantivy.Query.boost_query(tantivy.Query.regex_query(s, "tags_sfx", prefix), 1.0),
        ]
        k = typo_budget(w)
        if k:
            for field, boost in (("name", 5.0), ("tags", 0.5)):
                fuzzy = tantivy.Query.fuzzy_term_query(s, field, w, distance=k)
                parts.append(tantivy.Query.boost_query(fuzzy, boost))
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])

    def search(self, query: str, limit: int = 20, facets: bool = True) -> Found:
        words = query.lower().split()
        if not words:
            return [], 0, {}
        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, self.clause(w)) for w in words])
        searcher = self.index.searcher()
        result = searcher.search(q, limit)
        addrs = [addr for _, addr in result.hits]
        ids = [int(v) for v in searcher.fast_field_values("pid", addrs) if v is not None]
        if not facets:
            # `count` exists at run time (search(count=True)) but is missing from the stub.
            return ids, int(result.count or 0), {}  # type: ignore[attr-defined,unused-ignore]
        aggs = searcher.aggregate(q, AGGS)
        counts = {
            name: {str(b["key"]): int(b["doc_count"]) for b in agg["buckets"] if b["doc_count"]}
            for name, agg in aggs.items()
        }
        return ids, sum(counts.get("in_stock", {}).values()), counts

    def change(self, p: Product) -> None:
        """Delete and add, commit, reload: searchable once this returns."""
        self.writer.delete_documents_by_term("pid", p.id)
        self.writer.add_document(document(p))
        self.writer.commit()
        self.index.reload()

    def close(self) -> None:
        self.writer.wait_merging_threads()

    def size_bytes(self) -> dict[str, int]:
        return {"search_index": sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())}
