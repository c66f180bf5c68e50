"""Benchmark: calls (WebRTC, signalled through the hub's /ws/live) on loopback.

1. Setup (bench/call_setup.py): from the store console's "Accept" to the first decoded video
   frame on each side, p50 and p95 over N calls, split into signalling, ICE and the first
   frame; browser <-> browser (the console and the visitor's live page, each its own Chromium
   context) and browser <-> desktop (the desktop cart's SessionCall and CallMedia, in this
   process). Goal: p50 under 1 s. The hub and the demo shop run in this process, as in
   tests/storefront/conftest.py; Chromium in its own processes.
2. CPU (bench/call_cpu.py, bench/call_peers.py): a 640x480/30 fps call received by the bare
   aiortc loop (the baseline, measured in the same run), by the desktop's RGB conversion, by
   its CallMedia, and by CallMedia with the window's VideoView painting offscreen; each side
   its own process.

    .venv/bin/python -m bench.calls                      # both parts, 15 calls a pairing
    .venv/bin/python -m bench.calls --part setup --calls 5
    .venv/bin/python -m bench.calls --part cpu --rounds 2 --seconds 20

Raw results go to bench/results/calls.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from playwright.async_api import async_playwright

from bench.call_cpu import KINDS, CpuRun, run_all, table
from bench.call_setup import Pairing, Setup, browser_to_browser, browser_to_desktop, desktop_cart
from bench.harness import ROOT, machine, pct
from cartstart_demo_store.app import ShopConfig
from cartstart_demo_store.shop import start
from cartstart_server.server import HubServer
from tests.helpers.hubs import hub_config
from tests.helpers.waiting import free_port
from tests.storefront.conftest import CALL_ARGS, CHROMIUM, TEST_CATALOGUE, TTL, Shop

RESULTS = ROOT / "bench" / "results"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def setup_rows(pairings: list[Pairing]) -> list[str]:
    """Markdown rows: cumulative times after "Accept" and each step's own, p50 / p95 (ms)."""

    def cell(values: list[float]) -> str:
        return f"{pct(values, 50):,.0f} / {pct(values, 95):,.0f}"

    rows = [
        "| pairing | calls | offerer's pc made | offer applied | signalled (answer applied) "
        "| ICE connected | first frame, console | first frame, other side | both (total) "
        "| ICE step | first frame step | driver CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in pairings:
        c: list[Setup] = p.calls
        if not c:
            rows.append(f"| {p.name} | 0 (failed: {len(p.failed)}) |" + " |" * 10)
            continue
        ok = f"{len(c)}" + (f" ({len(p.failed)} failed)" if p.failed else "")
        rows.append(
            f"| {p.name} | {ok} | {cell([s.offerer_pc for s in c])} "
            f"| {cell([s.offer_applied for s in c])} | {cell([s.signalled for s in c])} "
            f"| {cell([s.ice for s in c])} | {cell([s.frame_console for s in c])} "
            f"| {cell([s.frame_other for s in c])} | {cell([s.frame for s in c])} "
            f"| {cell([s.ice - s.signalled for s in c])} | {cell([s.frame - s.ice for s in c])} "
            f"| {p.driver_cpu:.1f} s of {p.wall:.1f} s |"
        )
    return rows


def costs(pairing: Pairing, wall: float, cpu: float) -> None:
    pairing.wall = time.monotonic() - wall
    pairing.driver_cpu = time.process_time() - cpu
    print(f"  {pairing.wall:.1f} s, this process's CPU {pairing.driver_cpu:.1f} s", flush=True)


async def setup_part(n: int, which: list[str]) -> list[Pairing]:
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        root = Path(tmp)
        async with HubServer(hub_config(root / "hub", expiry_warning=10)) as hub:
            store_id, key = await hub.hub.stores.create(TEST_CATALOGUE.name, default_ttl=TTL)
            config = ShopConfig(hub.http_url, store_id, key, TEST_CATALOGUE, port=free_port())
            server, task = await start(config)
            # The hub runs on the system clock; Shop's FakeClock is for tests that move time.
            shop = Shop(hub, None, store_id, config.url, key)  # type: ignore[arg-type]
            pairings: list[Pairing] = []
            try:
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CALL_ARGS)
                    try:
                        if "browser" in which:
                            print(f"browser <-> browser, load average {load_average()}")
                            w, c = time.monotonic(), time.process_time()
                            pairings.append(await browser_to_browser(browser, shop, n))
                            costs(pairings[-1], w, c)
                        if "desktop" in which:
                            print(f"browser <-> desktop, load average {load_average()}")
                            cart = await desktop_cart(shop, root / "home")
                            w, c = time.monotonic(), time.process_time()
                            try:
                                pairings.append(await browser_to_desktop(browser, shop, cart, n))
                                costs(pairings[-1], w, c)
                            finally:
                                await cart.close()
                    finally:
                        await browser.close()
            finally:
                server.should_exit = True
                await task
            return pairings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["setup", "cpu", "all"], default="all")
    parser.add_argument("--calls", type=int, default=15, help="calls per pairing")
    parser.add_argument("--pairings", default="browser,desktop")
    parser.add_argument("--rounds", type=int, default=2, help="CPU: rounds of every receiver")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(machine())
    report: dict[str, object] = {"machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M")}
    lines: list[str] = []
    if args.part in ("setup", "all"):
        report["setup_load_before"] = load_average()
        pairings = asyncio.run(setup_part(args.calls, args.pairings.split(",")))
        report["setup_load_after"] = load_average()
        report["setup"] = [
            {
                "name": p.name,
                "calls": [asdict(s) for s in p.calls],
                "failed": p.failed,
                "wall": p.wall,
                "driver_cpu": p.driver_cpu,
            }
            for p in pairings
        ]
        lines += [f"load average {report['setup_load_before']} -> {report['setup_load_after']}"]
        lines += [*setup_rows(pairings), ""]
    if args.part in ("cpu", "all"):
        report["cpu_load_before"] = load_average()
        print(f"CPU, load average {report['cpu_load_before']}")
        runs: list[CpuRun] = asyncio.run(
            run_all(args.kinds.split(","), args.rounds, args.warmup, args.seconds)
        )
        report["cpu_load_after"] = load_average()
        report["cpu"] = [asdict(r) for r in runs]
        lines += [f"load average {report['cpu_load_before']} -> {report['cpu_load_after']}"]
        lines += table(runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "calls.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
