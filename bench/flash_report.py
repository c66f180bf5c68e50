"""The figures of one bench/flash.py run, from what the hub and the load generators reported.

Versions are counted from v0, the product's version before the first reservation: every change
adds exactly one (`stock_version + 1` in storage/holds.py), so during the sale version v0 + k is
the k-th reservation, and after it v_sold + k the k-th release.

Commit time of a version (E): the earliest evidence that it was committed. A cart's successful
reply is evidence: when k replies have arrived, at least k reservations are committed, so the
k-th reply (by arrival, over all carts) bounds the commit of version v0 + k; the first moment any
page or cart saw a version >= v bounds it too; and a later version's evidence bounds every
earlier one. E is an upper bound of the true commit time, so staleness is, if anything, short by
the reply's own trip (its p50/p99 is reported next to it).

Seen everywhere (L): the moment the LAST page first showed a version >= v. Staleness of v is
L - E; the sold-out lag is that of the version that made available 0, the back-in-stock lag that
of the first release.
"""

from __future__ import annotations

import math
from typing import Any

from bench.harness import pct


def _evidence(run: dict[str, Any], span: int) -> list[float]:
    inf = math.inf
    e = [inf] * span
    sold_ok = run["sold"]["ok"]
    for k, t in enumerate(sold_ok, 1):
        e[k] = min(e[k], t)
    for k, t in enumerate(run["released"]["ok"], len(sold_ok) + 1):
        e[k] = min(e[k], t)
    for proc in run["page_procs"] + [run["cart_proc"]]:
        for off, t in enumerate(proc["first"]):
            if t is not None:
                e[off] = min(e[off], t)
    for off in range(span - 2, -1, -1):  # a later version committed means this one was
        e[off] = min(e[off], e[off + 1])
    return e


def _seen_everywhere(run: dict[str, Any], span: int) -> list[float | None]:
    out: list[float | None] = [0.0] * span
    for proc in run["page_procs"]:
        # Versions only grow on a page. Pages the hub closed are left out here (and counted).
        reached_by_all = proc["min_version"] - run["v0"]
        for off, t in enumerate(proc["last"]):
            prev = out[off]
            gone = t is None or prev is None or off > reached_by_all
            out[off] = None if gone else max(prev, t)
    return out


def analyse(run: dict[str, Any]) -> dict[str, Any]:
    span = run["span"]
    n_ok = len(run["sold"]["ok"])
    n_rel = len(run["released"]["ok"])
    sold_off, final_off = n_ok, n_ok + n_rel
    e = _evidence(run, span)
    seen = _seen_everywhere(run, span)
    stale: list[float] = []
    spread: list[float] = []  # first page to last page: the broadcast and the pages' reading
    missing = 0
    for off in range(1, final_off + 1):
        t = seen[off]
        firsts = [p["first"][off] for p in run["page_procs"] if p["first"][off] is not None]
        if t is None:
            missing += 1
        else:
            stale.append(t - e[off])
            spread.append(t - min(firsts))

    def lag(off: int) -> float | None:
        t = seen[off] if off < span else None
        return None if t is None else (t - e[off]) * 1000

    counts: dict[int, int] = {}
    for proc in run["page_procs"]:
        counts.update({int(v): a for v, a in proc["counts"].items()})
    pages = sum(p["pages"] for p in run["page_procs"])
    v0, true = run["v0"], run["true_final"]
    final_key = f"{true['version']}:{true['available']}"
    page_frames = [sum(p["frames"][off] for p in run["page_procs"]) for off in range(span)]
    cart_frames = run["cart_proc"]["frames"]
    sale_seconds = run["sold"]["ok"][-1] - run["sold"]["t0"] if n_ok else math.nan
    rate = n_ok / sale_seconds if n_ok else 0.0
    window = run["window"]
    phase1_pages = sum(page_frames[1 : sold_off + 1])
    phase1_carts = sum(cart_frames[1 : sold_off + 1])
    return {
        "window_ms": window * 1000,
        "pages": pages,
        "carts": run["cart_proc"]["carts"],
        "reserved": n_ok,
        "refused": run["sold"]["refused"],
        "errors": run["sold"]["errors"] + run["released"]["errors"],
        "releases": n_rel,
        "sale_s": sale_seconds,
        "reservations_per_s": rate,
        "reply_p50_ms": pct(run["sold"]["latency"], 50) * 1000,
        "reply_p99_ms": pct(run["sold"]["latency"], 99) * 1000,
        "hub_cpu_sale_s": run["hub_cpu"]["sale"],
        "hub_cpu_us_per_reservation": run["hub_cpu"]["sale"] / max(n_ok, 1) * 1e6,
        "hub_cpu_release_s": run["hub_cpu"]["release"],
        "page_frames_per_reservation": phase1_pages / max(n_ok, 1),
        "cart_count_frames_per_reservation": phase1_carts / max(n_ok, 1),
        "page_frames_per_release": sum(page_frames[sold_off + 1 : final_off + 1]) / max(n_rel, 1),
        "bound_per_reservation": pages / (rate * window) if window and rate else float(pages),
        "stale_p50_ms": pct(stale, 50) * 1000,
        "stale_p99_ms": pct(stale, 99) * 1000,
        "stale_max_ms": max(stale, default=math.nan) * 1000,
        "spread_p50_ms": pct(spread, 50) * 1000,
        "spread_p99_ms": pct(spread, 99) * 1000,
        "versions_never_seen_by_all": missing,
        "sold_out_ms": lag(sold_off),
        "sold_count_ok": counts.get(v0 + sold_off) == 0,
        "pages_showed_sold": sum(p["showed_sold"] for p in run["page_procs"]),
        "back_in_stock_ms": lag(sold_off + 1),
        "true_final": true,
        "pages_on_final": sum(p["final"].get(final_key, 0) for p in run["page_procs"]),
        "backwards": sum(p["backwards"] for p in run["page_procs"]),
        "pages_closed": sum(p["closed"] for p in run["page_procs"]),
        "page_close_codes": [p.get("close_codes", {}) for p in run["page_procs"]],
        "carts_closed": run["cart_proc"].get("closed", 0),
        "commands_dropped": run["cart_proc"].get("dropped", 0),
        "loadgen_cpu_s": [round(p["cpu_s"], 1) for p in run["page_procs"]]
        + [round(run["cart_proc"]["cpu_s"], 1)],
        "machine_busy_s": run["machine_busy_s"],
        "wall_s": run["wall_s"],
        "uptime": run["uptime"],
        "hub_metrics": run.get("hub_metrics", {}),
        "hub_frames_per_change": run.get("hub_metrics", {}).get(
            'cartstart_fanout_frames_total{to="socket"}', math.nan
        )
        / max(n_ok + n_rel, 1),
    }


def _ms(v: float | None) -> str:
    return "never" if v is None else f"{v:,.0f}"


HEADER = (
    "| run | window | reservations/s | hub CPU / reservation | page frames / reservation "
    "(bound) | hub frames / change | staleness p50 / p99 / max | first to last page p50 / p99 | "
    "sold out everywhere | back in stock everywhere | pages on the final count | load "
    "generators' CPU | load (uptime) |\n|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|---|---|"
)


def row(label: str, a: dict[str, Any]) -> str:
    bound = "-" if not a["window_ms"] else f"{a['bound_per_reservation']:,.0f}"
    load = a["uptime"][0].split("load average:")[-1].strip()
    rate = a["reservations_per_s"]
    closed = f" ({a['pages_closed']:,} closed by the hub)" if a["pages_closed"] else ""
    hub_frames = a["hub_frames_per_change"]
    return (
        f"| {label} | {a['window_ms']:.0f} ms | {rate:,.1f} | "
        f"{a['hub_cpu_us_per_reservation'] / 1000:,.1f} ms | "
        f"{a['page_frames_per_reservation']:,.0f} ({bound}) | "
        f"{'-' if math.isnan(hub_frames) else f'{hub_frames:,.0f}'} | "
        f"{a['stale_p50_ms']:,.0f} / {a['stale_p99_ms']:,.0f} / {a['stale_max_ms']:,.0f} ms | "
        f"{a['spread_p50_ms']:,.0f} / {a['spread_p99_ms']:,.0f} ms | "
        f"{_ms(a['sold_out_ms'])} ms | {_ms(a['back_in_stock_ms'])} ms | "
        f"{a['pages_on_final']:,} / {a['pages']:,}{closed} | "
        f"{' + '.join(str(c) for c in a['loadgen_cpu_s'])} s | {load} |"
    )
