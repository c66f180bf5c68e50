"""bench/search_hub.py's pure parts and its loader, at a tiny size: the generated tree is one the
hub's import takes, every product lands in its subcategory with its stock and a change stamp, and
the hub's own index, built from what was loaded, finds what the benchmark will ask for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.search_data import catalogue, leaves
from bench.search_hub_load import batches, config, load, on_hand, slug, tree_doc
from bench.search_hub_measure import agreement, is_right, stats
from bench.search_hub_report import markdown
from cartstart_server.clock import SystemClock
from cartstart_server.domain.market_tree import LEAF, parse_tree
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for


def test_the_generated_tree_is_importable_and_holds_every_subcategory() -> None:
    nodes = parse_tree(tree_doc())
    leaf_ids = {n.id for n in nodes if n.level == LEAF}
    assert len(leaf_ids) == len(leaves())
    assert {slug(*path) for path in leaves()} == leaf_ids
    assert all(len(n.id) <= 40 for n in nodes)


def test_batches_and_stock() -> None:
    items = catalogue(25, 3)
    assert [len(b) for b in batches(items, 10)] == [10, 10, 5]
    assert all((on_hand(p) > 0) == p.in_stock for p in items)


def test_stats_give_percentiles_and_the_max_in_milliseconds() -> None:
    s = stats([i / 1000 for i in range(1, 101)])  # 1 .. 100 ms
    assert (s["n"], round(s["p50_ms"]), round(s["p95_ms"]), round(s["max_ms"])) == (
        100,
        51,
        95,
        100,
    )
    assert stats([]) == {"n": 0}


def test_a_labelled_answer_is_right_when_the_product_is_on_the_page_or_rightly_absent() -> None:
    page = {"results": [{"product_id": "p7"}, {"product_id": "p9"}]}
    assert is_right(page, 7, True) and not is_right(page, 8, True)
    assert is_right(page, 8, False) and not is_right(page, 9, False)


def test_agreement_leaves_out_typo_queries() -> None:
    mix = [("1 word", "a"), ("1 typo (5+)", "b"), ("code", "c")]
    out = agreement(mix, [3, 5, 1], [3, 4, 2])
    assert (out["same"], out["of"]) == (1, 2)
    assert out["differ"] == ["'c': hub 1, LIKE 2"]


async def test_loaded_products_are_what_the_store_api_leaves_and_the_index_finds_them(
    tmp_path: Path,
) -> None:
    items = catalogue(120, 4)
    loaded = await load(tmp_path, items, 4)
    assert len(loaded["stores"]) == 4
    db = sqlite3.connect(tmp_path / "hub.sqlite3")
    try:
        rows = {
            r[0]: r[1:]
            for r in db.execute(
                "SELECT product_id, category, on_hand, market_seq, listed, active, store_id "
                "FROM products"
            )
        }
    finally:
        db.close()
    assert len(rows) == len(items)
    for p in items:
        category, stock, seq, listed, active, store_id = rows[f"p{p.id}"]
        assert category == slug(p.industry, p.area, p.category, p.subcategory)
        assert stock == on_hand(p) and seq > 0 and listed == active == 1
        assert store_id == loaded["stores"][str(p.store)]["id"]

    cfg = config(tmp_path)
    hub = Hub(database_for(cfg), broker_for(cfg), SystemClock(), cfg)
    await hub.start(background=False)
    try:
        await hub.market.start()  # the index, built from the database as a starting node does
        tree = await hub.market.tree_view("en")
        assert sum(n.count for n in tree.nodes) == len(items)
        p = items[5]
        page = await hub.market.search(p.code, lang="en")
        assert page.results[0].product_id == f"p{p.id}"
        assert [s.id for s in page.results[0].path][-1] == rows[f"p{p.id}"][0]
        assert page.results[0].in_stock == p.in_stock
    finally:
        await hub.stop()


def test_the_markdown_table_has_the_headline_rows() -> None:
    s = stats([0.001, 0.002, 0.030])
    fresh = {"searchable": s, "gone": s, "upsert_answer": s}
    hub = {"queries": {"wall": s, "by_kind": {"code": s}, "over_20ms": 1, "hub_cpu_s": 1.0,
                       "loadgen_cpu_s": 0.5, "elapsed_s": 2.0, "machine_busy_cores": 1.1},
           "freshness": fresh, "labelled": {"right": 3, "of": 4, "kinds": {"code": {"right": 3, "of": 4}}},
           "rss_kib": {"ready": 1024, "after_queries": 2048, "end": 2048}, "ready_s": 2.0,
           "empty_ready_s": 1.0, "index_bytes": 10**6, "db_bytes": 2 * 10**6, "indexed": 10}  # fmt: skip
    run = {"hub": hub, "like": {"wall": s, "over_20ms": 1, "right": 2, "of": 4, "build_s": 0.1,
                                "cpu_s": 1.0},
           "agreement": {"same": 5, "of": 6}, "products": 10, "stores": 2, "queries": 3,
           "rounds": 1, "machine": "m", "versions": {"tantivy": "0.27.0", "sqlite": "3"},
           "started": "now", "load_before": "1 1 1", "load_after": "2 2 2"}  # fmt: skip
    text = markdown(run)
    assert "| labelled queries right | 3/4 | 2/4 |" in text
    assert "| searches over 20 ms | 1 of 3 | 1 of 3 |" in text
    assert "products in the index / loaded | 10 / 10" in text
