"""PostgreSQL with pg_trgm for bench/search_engines.py: the shared database's own search, as
several hub nodes would use it without an index of their own.

The same table and the same one-statement search as the SQLite engines (bench/search_sqlite.py):
every word must be in `search_text` (`LIKE '%word%'`, which a GIN trigram index answers), the
matches materialized once, then the first 20 by rank and every facet's counts. Typos as FTS5
does them: a vocabulary of name and tag words in its own trigram index, candidates by trigram
similarity (`%`), kept within the issue's edit budget, then matched in names and tags only.
asyncpg on a private event loop (the Engine protocol is synchronous); the server is the tests'
throwaway cluster, started by the parent and named by `CARTSTART_BENCH_PG`.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import Any

import asyncpg

from bench.search_data import Product, edit_distance
from bench.search_sqlite import FACETS, PRICE_CASE, Found, found, like, row, typo_budget

DSN_ENV = "CARTSTART_BENCH_PG"
SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP TABLE IF EXISTS products, vocab;
CREATE TABLE products (id INTEGER PRIMARY KEY, store INTEGER, name TEXT, code TEXT, tags TEXT,
    industry TEXT, area TEXT, category TEXT, subcategory TEXT, price DOUBLE PRECISION,
    in_stock INTEGER, search_text TEXT);
CREATE TABLE vocab (word TEXT PRIMARY KEY);
"""
COLUMNS = ["id", "store", "name", "code", "tags", "industry", "area", "category", "subcategory",
           "price", "in_stock", "search_text"]  # fmt: skip


class PgEngine:
    name = "PostgreSQL pg_trgm"

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.db: Any = self.loop.run_until_complete(asyncpg.connect(os.environ[DSN_ENV]))

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def build(self, items: list[Product]) -> dict[str, float]:
        t0 = time.perf_counter()
        self.run(self.db.execute(SCHEMA))
        rows = [row(p) for p in items]
        self.run(self.db.copy_records_to_table("products", records=rows, columns=COLUMNS))
        out = {"table_s": time.perf_counter() - t0}
        t0 = time.perf_counter()
        self.run(self.db.execute(
            "CREATE INDEX products_trgm ON products USING gin (search_text gin_trgm_ops)"
        ))  # fmt: skip
        out["index_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.add_words(items)
        self.run(self.db.execute(
            "CREATE INDEX vocab_trgm ON vocab USING gin (word gin_trgm_ops); ANALYZE"
        ))  # fmt: skip
        out["vocab_s"] = time.perf_counter() - t0
        return out

    def add_words(self, items: list[Product]) -> None:
        words = {
            w for p in items for w in re.findall(r"[a-z]+", f"{p.name} {' '.join(p.tags)}".lower())
        }
        self.run(self.db.executemany(
            "INSERT INTO vocab VALUES ($1) ON CONFLICT DO NOTHING",
            [(w,) for w in words if len(w) >= 4],
        ))  # fmt: skip

    def similar(self, word: str, k: int) -> list[str]:
        found = self.run(self.db.fetch("SELECT word FROM vocab WHERE word % $1", word))
        return [
            r["word"] for r in found if r["word"] != word and edit_distance(word, r["word"], k) <= k
        ]

    def search(self, query: str, limit: int = 20, facets: bool = True) -> Found:
        words = query.lower().split()
        if not words:
            return [], 0, {}
        params: list[Any] = []

        def arg(value: Any) -> str:
            params.append(value)
            return f"${len(params)}"

        clauses = []
        for w in words:
            k = typo_budget(w)
            near = self.similar(w, k) if k and len(w) >= 3 else []
            clause = f"p.search_text LIKE {arg(like(w))}"
            if near:  # typos only against names and tags, never codes
                alts = arg([like(c) for c in near])
                clause = f"({clause} OR lower(p.name || ' ' || p.tags) LIKE ANY({alts}))"
            clauses.append(clause)
        codes = arg(words)
        score = "100 * (lower(p.code) = ANY({}))::int + {}".format(
            codes,
            " + ".join(
                f"10 * (strpos(lower(p.name), {arg(w)}) > 0)::int + (strpos(p.tags, {arg(w)}) > 0)::int"
                for w in words
            ),
        )  # fmt: skip
        counts = " ".join(
            f"UNION ALL SELECT '{f}', {f}::text, count(*) FROM m GROUP BY 2" for f in FACETS
        )
        counts += f" UNION ALL SELECT 'price', {PRICE_CASE}, count(*) FROM m GROUP BY 2"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT p.id, p.store, p.industry, p.area, p.category, "
            f"p.subcategory, p.price, p.in_stock, p.name, {score} AS score FROM products p "
            f"WHERE {' AND '.join(clauses)}) "
            f"SELECT * FROM (SELECT 'hit' AS kind, id::text AS key, score::bigint AS n FROM m "
            f"ORDER BY score DESC, name, id LIMIT {int(limit)}) h "
            + (counts if facets else "UNION ALL SELECT 'in_stock', 'all', count(*) FROM m")
        )
        return found(self.run(self.db.fetch(sql, *params)))

    def change(self, p: Product) -> None:
        """One product's new name, committed (and its words in the vocabulary)."""

        async def write() -> None:
            async with self.db.transaction():
                await self.db.execute(
                    "UPDATE products SET name = $1, search_text = $2 WHERE id = $3",
                    p.name, row(p)[-1], p.id,
                )  # fmt: skip

        self.run(write())
        self.add_words([p])

    def size_bytes(self) -> dict[str, int]:
        def size(rel: str) -> int:
            return int(self.run(self.db.fetchval(f"SELECT pg_total_relation_size('{rel}')")))

        return {
            "products_table": int(
                self.run(self.db.fetchval("SELECT pg_relation_size('products')"))
            ),
            "search_index": int(
                self.run(self.db.fetchval("SELECT pg_relation_size('products_trgm')"))
            )
            + size("vocab"),
            "file": size("products") + size("vocab"),
        }

    def close(self) -> None:
        self.run(self.db.close())
        self.loop.close()
