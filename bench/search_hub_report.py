"""bench/search_hub.py's result as Markdown, ready for docs/benchmarks.md."""

from __future__ import annotations

from typing import Any


def _ms(s: dict[str, Any], key: str) -> str:
    v = s.get(key)
    return "-" if v is None else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def _lat(s: dict[str, Any]) -> str:
    return " / ".join(_ms(s, k) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))


def _mb(kib: int) -> str:
    return f"{kib / 1024:.1f} MB"


def markdown(run: dict[str, Any]) -> str:
    hub, like, q = run["hub"], run["like"], run["hub"]["queries"]
    fresh = hub["freshness"]
    lab = hub["labelled"]
    ratio50 = like["wall"]["p50_ms"] / q["wall"]["p50_ms"]
    ratio99 = like["wall"]["p99_ms"] / q["wall"]["p99_ms"]
    rss = hub["rss_kib"]
    agree = run["agreement"]
    lines = [
        f"{run['products']:,} products over {run['stores']} stores, {run['queries']} queries x "
        f"{run['rounds']} rounds; {run['machine']}; tantivy {run['versions']['tantivy']}, "
        f"SQLite {run['versions']['sqlite']}; started {run['started']}.",
        "",
        f"Load average before: {run['load_before']}; after: {run['load_after']}.",
        "",
        "| | the hub (`GET /api/market/search`, tantivy) | LIKE scan (baseline, in process) |",
        "|---|---:|---:|",
        f"| p50 / p95 / p99 / max, first page + facets (ms) | {_lat(q['wall'])} "
        f"| {_lat(like['wall'])} |",
        f"| searches over 20 ms | {q['over_20ms']} of {q['wall']['n']} "
        f"| {like['over_20ms']} of {like['wall']['n']} |",
        f"| LIKE's time / the hub's, p50 / p99 | {ratio50:.1f}x / {ratio99:.1f}x | 1 |",
        f"| products in the index / loaded | {hub['indexed']:,} / {run['products']:,} | - |",
        f"| labelled queries right | {lab['right']}/{lab['of']} | {like['right']}/{like['of']} |",
        f"| build | ready {hub['ready_s']:.2f} s after start (an empty hub: "
        f"{hub['empty_ready_s']:.2f} s) | table {like['build_s']:.2f} s |",
        f"| index on disk | {hub['index_bytes'] / 1e6:.1f} MB (`market-index/`); database "
        f"{hub['db_bytes'] / 1e6:.1f} MB | - |",
        f"| hub RSS: after the build / after the queries / at the end | {_mb(rss['ready'])} / "
        f"{_mb(rss['after_queries'])} / {_mb(rss['end'])} | - |",
        f"| CPU during the query rounds: hub / load generator | {q['hub_cpu_s']:.1f} s / "
        f"{q['loadgen_cpu_s']:.1f} s of {q['elapsed_s']:.1f} s "
        f"(machine {q['machine_busy_cores']:.2f} cores busy) | {like['cpu_s']:.1f} s |",
        f"| a change searchable (store API upsert -> found), p50 / p99 (ms, n={fresh['searchable']['n']}) "
        f"| {_ms(fresh['searchable'], 'p50_ms')} / {_ms(fresh['searchable'], 'p99_ms')} | - |",
        f"| a deactivated product gone, p50 / p99 (ms) | {_ms(fresh['gone'], 'p50_ms')} / "
        f"{_ms(fresh['gone'], 'p99_ms')} | - |",
        f"| the upsert's own answer, p50 / p99 (ms) | {_ms(fresh['upsert_answer'], 'p50_ms')} / "
        f"{_ms(fresh['upsert_answer'], 'p99_ms')} | - |",
        f"| match counts equal to LIKE's (queries without typos) | {agree['same']}/{agree['of']} "
        "| - |",
        "",
        "| kind | p50 / p95 / p99 / max (ms) |",
        "|---|---:|",
    ]
    lines += [f"| {kind} | {_lat(s)} |" for kind, s in q["by_kind"].items()]
    lines += ["", "| labelled kind | right |", "|---|---:|"]
    lines += [f"| {kind} | {k['right']}/{k['of']} |" for kind, k in lab["kinds"].items()]
    return "\n".join(lines) + "\n"
