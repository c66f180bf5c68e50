"""The two SQLite engines of bench/search_engines.py: a plain `LIKE '%word%'` scan (the naive
baseline) and FTS5 with the trigram tokenizer, with a trigram-similarity pass over the
vocabulary of names and tags for typos (FTS5 has no typo tolerance of its own).

Both keep the products in one table (WAL, synchronous=NORMAL, a 64 MiB page cache like the
hub's) and answer a search with ONE statement: the matching products are materialized once,
then the first 20 by rank and every facet's counts are read from them (UNION ALL).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.search_data import PRICE_RANGES, Product, edit_distance

Found = tuple[list[int], int, dict[str, dict[str, int]]]  # first page of ids, total, facets

SCHEMA = """
CREATE TABLE products (id INTEGER PRIMARY KEY, store INTEGER, name TEXT, code TEXT, tags TEXT,
    industry TEXT, area TEXT, category TEXT, subcategory TEXT, price REAL, in_stock INTEGER,
    search_text TEXT);
"""
FACETS = ["store", "industry", "area", "category", "subcategory", "in_stock"]
PRICE_CASE = "CASE " + " ".join(
    f"WHEN price < {hi} THEN '{lo:g}-{hi:g}'" for lo, hi in PRICE_RANGES[:-1]
) + f" ELSE '{PRICE_RANGES[-1][0]:g}-inf' END"  # fmt: skip


def typo_budget(word: str) -> int:
    """The issue's rule: one typo in words of 5+ letters, two in 9+; only words of letters
    (a word with a digit is taken as a code, and codes get none)."""
    if not word.isalpha():
        return 0
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


def row(p: Product) -> tuple[Any, ...]:
    tags = " ".join(p.tags)
    text = f"{p.name} {p.code} {tags}".lower()
    return (p.id, p.store, p.name, p.code, tags, p.industry, p.area, p.category, p.subcategory,
            p.price, int(p.in_stock), text)  # fmt: skip


def found(rows: Iterable[Any]) -> Found:
    """A search statement's rows ('hit', id, score) and (facet, value, count): the first page,
    the total (the in-stock facet's counts add up to every match) and the facets."""
    hits: list[int] = []
    out: dict[str, dict[str, int]] = {}
    for kind, key, n in rows:
        if kind == "hit":
            hits.append(int(key))
        else:
            out.setdefault(kind, {})[str(key)] = n
    return hits, sum(out.get("in_stock", {}).values()), out


def like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SqliteEngine:
    """The LIKE baseline; FtsEngine overrides `where`."""

    name = "sqlite LIKE"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        )

    def build(self, items: list[Product]) -> dict[str, float]:
        t0 = time.perf_counter()
        self.db.executescript(SCHEMA)
        self.db.execute("BEGIN")
        self.db.executemany(f"INSERT INTO products VALUES ({','.join('?' * 12)})", map(row, items))
        self.db.execute("COMMIT")
        return {"table_s": time.perf_counter() - t0}

    def where(self, words: list[str]) -> tuple[str, list[Any]]:
        """FROM and WHERE of the matching products (alias p): every word somewhere."""
        clauses = ["p.search_text LIKE ? ESCAPE '\\'"] * len(words)
        return "FROM products p WHERE " + " AND ".join(clauses), [like(w) for w in words]

    def search(self, query: str, limit: int = 20, facets: bool = True) -> Found:
        words = query.lower().split()
        if not words:
            return [], 0, {}
        source, params = self.where(words)
        # Rank: a whole-code match first, then words in the name, then words in the tags.
        score = "100 * (lower(p.code) IN ({})) + {}".format(
            ",".join("?" * len(words)),
            " + ".join(["10 * (instr(lower(p.name), ?) > 0) + (instr(p.tags, ?) > 0)"] * len(words)),
        )  # fmt: skip
        score_params: list[Any] = [*words]
        for w in words:
            score_params += [w, w]
        counts = " ".join(
            f"UNION ALL SELECT '{f}', {f}, count(*) FROM m GROUP BY 2" for f in FACETS
        )
        counts += f" UNION ALL SELECT 'price', {PRICE_CASE}, count(*) FROM m GROUP BY 2"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT p.id, p.store, p.industry, p.area, p.category, "
            f"p.subcategory, p.price, p.in_stock, p.name, {score} AS score {source}) "
            f"SELECT * FROM (SELECT 'hit', id, score FROM m ORDER BY score DESC, name, id "
            f"LIMIT {int(limit)}) "
            + (counts if facets else "UNION ALL SELECT 'in_stock', 'all', count(*) FROM m")
        )
        return found(self.db.execute(sql, [*score_params, *params]))

    def change(self, p: Product) -> None:
        """One product's new name, committed."""
        self.db.execute("BEGIN")
        self.db.execute(
            "UPDATE products SET name = ?, search_text = ? WHERE id = ?",
            (p.name, row(p)[-1], p.id),
        )
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def size_bytes(self) -> dict[str, int]:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = dict(self.db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        return {
            "file": self.path.stat().st_size,
            "products_table": tables.get("products", 0),
            "search_index": sum(v for k, v in tables.items() if k.startswith(("fts", "vocab"))),
        }


class FtsEngine(SqliteEngine):
    """FTS5, trigram tokenizer, external content (the products table), plus `vocab`: every word
    of every name and tag, itself in a trigram index, for the typo pass."""

    name = "sqlite FTS5 trigram"

    def build(self, items: list[Product]) -> dict[str, float]:
        out = super().build(items)
        t0 = time.perf_counter()
        self.db.executescript(
            """
            CREATE VIRTUAL TABLE fts USING fts5(name, code, tags, content='products',
                content_rowid='id', tokenize='trigram');
            INSERT INTO fts(fts) VALUES ('rebuild');
            CREATE TABLE vocab (word TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE VIRTUAL TABLE vocab_fts USING fts5(word, tokenize='trigram');
            """
        )
        out["fts_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.db.execute("BEGIN")
        self.add_words(items)
        self.db.execute("COMMIT")
        out["vocab_s"] = time.perf_counter() - t0
        return out

    def add_words(self, items: list[Product]) -> None:
        words = {
            w for p in items for w in re.findall(r"[a-z]+", f"{p.name} {' '.join(p.tags)}".lower())
        }
        new = [w for w in words if len(w) >= 4
               and self.db.execute("SELECT 1 FROM vocab WHERE word = ?", (w,)).fetchone() is None]  # fmt: skip
        self.db.executemany("INSERT INTO vocab VALUES (?)", [(w,) for w in new])
        self.db.executemany("INSERT INTO vocab_fts(word) VALUES (?)", [(w,) for w in new])

    def similar(self, word: str, k: int) -> list[str]:
        """Vocabulary words within `k` edits of `word`: those sharing enough trigrams (an edit
        spoils at most 4 trigrams, a swap of neighbours included), then the edit distance."""
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        need = max(1, len(word) - 2 - 4 * k)
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        out = []
        for (cand,) in self.db.execute(
            "SELECT word FROM vocab_fts WHERE vocab_fts MATCH ?", (match,)
        ):
            if cand == word or abs(len(cand) - len(word)) > k:
                continue
            if sum(1 for i in range(len(cand) - 2) if cand[i : i + 3] in grams) < need:
                continue
            if edit_distance(word, cand, k) <= k:
                out.append(cand)
        return out

    def where(self, words: list[str]) -> tuple[str, list[Any]]:
        match, clauses, params = [], [], []
        for w in words:
            if len(w) < 3:  # below a trigram: FTS5 cannot help, scan the candidates
                clauses.append("p.search_text LIKE ? ESCAPE '\\'")
                params.append(like(w))
                continue
            term = '"' + w.replace('"', '""') + '"'
            k = typo_budget(w)
            near = self.similar(w, k) if k else []
            if near:  # typos only against names and tags, never codes
                alts = " OR ".join('"' + c + '"' for c in near)
                term = f"({term} OR {{name tags}}: ({alts}))"
            match.append(term)
        if not match:
            return "FROM products p WHERE " + " AND ".join(clauses), params
        source = "FROM fts JOIN products p ON p.id = fts.rowid WHERE fts MATCH ?"
        return " AND ".join([source, *clauses]), [" AND ".join(match), *params]

    def change(self, p: Product) -> None:
        self.db.execute("BEGIN")
        old = self.db.execute(
            "SELECT name, code, tags FROM products WHERE id = ?", (p.id,)
        ).fetchone()
        self.db.execute("INSERT INTO fts(fts, rowid, name, code, tags) VALUES ('delete', ?, ?, ?, ?)",
                        (p.id, *old))  # fmt: skip
        self.db.execute("UPDATE products SET name = ?, search_text = ? WHERE id = ?",
                        (p.name, row(p)[-1], p.id))  # fmt: skip
        self.db.execute("INSERT INTO fts(rowid, name, code, tags) VALUES (?, ?, ?, ?)",
                        (p.id, p.name, p.code, " ".join(p.tags)))  # fmt: skip
        self.add_words([p])
        self.db.execute("COMMIT")
