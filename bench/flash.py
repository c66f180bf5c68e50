"""Benchmark 14 (issue 19): a flash sale. Many pages watch one product while carts take it.

One hub in its own process, started with `fanout_window` = W (0 is the per-change fan-out of
before, the baseline; runs of both alternate on the same revision). Pages (bench/flash_pages.py,
in several processes) follow the product over /ws/page; carts (bench/flash_carts.py, one process)
reserve one unit after another, each as soon as the previous answer came, until the hub says
sold out; once every page shows Sold, carts give back `--release` units. Figures and the way
staleness is measured: bench/flash_report.py.

    python -m bench.flash run --window 0.15 [--pages 10000 --carts 2000 --units 1000 --release 500]
    python -m bench.flash series --pairs 2 --windows 0,0.15 [size options]   (each run under
        `flock /tmp/cartstart-bench.lock`, baseline and coalesced alternating)
    python -m bench.flash report FILE...   (the docs/benchmarks.md table of saved runs)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.flash_io import Generator, raise_fd_limit
from bench.flash_report import HEADER, analyse, row
from bench.harness import (
    PYTHON,
    cpu_seconds,
    create_store,
    machine,
    machine_busy_seconds,
    sign_up_many,
    start_hub,
)

PRODUCT = "drop"
LOCK = "/tmp/cartstart-bench.lock"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def hub_counters(http_url: str) -> dict[str, float]:
    """The hub's counters (its /metrics), to report frames the fan-out wrote if it counts them."""
    text = httpx.get(f"{http_url}/metrics", timeout=30).text
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("cartstart_") and "_created" not in line.split(" ")[0]:
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


async def current(http_url: str, store: str) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=http_url, timeout=30) as http:
        r = await http.get("/api/page/availability", params={"p": f"{store}:{PRODUCT}"})
        item: dict[str, int] = r.json()["items"][0]
        return item


async def wait_pages(pages: list[Generator], version: int, seconds: float) -> list[dict[str, Any]]:
    for g in pages:
        g.send(f"wait {version} {seconds}")
    return [await g.reply("reached") for g in pages]


async def one_run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    data = tmp / "hub"
    hub = start_hub(data, fanout_window=args.window)
    generators: list[Generator] = []
    try:
        store, _ = await create_store(hub, data, {PRODUCT: args.units})
        tokens = await sign_up_many(hub, args.carts, prefix="flash")
        (tmp / "tokens").write_text("\n".join(tokens))
        v0 = (await current(hub.http_url, store))["version"]
        span = args.units + args.release + 16
        common = ["--product", f"{store}:{PRODUCT}", "--v0", str(v0), "--span", str(span)]
        per = [args.pages // args.page_procs + (i < args.pages % args.page_procs)
               for i in range(args.page_procs)]  # fmt: skip
        pages = [
            Generator(
                "bench.flash_pages", ["--url", f"{hub.ws_url}/ws/page", "--n", str(n), *common]
            )
            for n in per
        ]
        carts = Generator("bench.flash_carts",
                          ["--url", f"{hub.ws_url}/ws/cart", "--tokens", str(tmp / "tokens"), *common])  # fmt: skip
        generators = [*pages, carts]
        t_open = time.monotonic()
        opened = [g.ready() for g in generators]
        open_s = time.monotonic() - t_open
        print(f"  connected {opened} in {open_s:.0f} s", flush=True)
        await asyncio.sleep(2)  # let the handshakes' garbage settle before the clocks start
        load = [uptime()]
        metrics0 = hub_counters(hub.http_url)
        busy0, wall0 = machine_busy_seconds(), time.monotonic()
        for g in generators:
            g.send("go")
        cpu0 = cpu_seconds(hub.pid)
        carts.send("reserve")
        sold = await carts.reply("sold")
        sold_reached = await wait_pages(pages, v0 + len(sold["ok"]), args.drain)
        cpu1 = cpu_seconds(hub.pid)
        print(f"  sold {len(sold['ok'])} in {sold['ok'][-1] - sold['t0']:.2f} s; "
              f"pages behind {[r['behind'] for r in sold_reached]}", flush=True)  # fmt: skip
        await asyncio.sleep(0.5)  # a quiet moment between the sale and the releases
        cpu2 = cpu_seconds(hub.pid)
        carts.send(f"release {args.release}")
        released = await carts.reply("released")
        final_version = v0 + len(sold["ok"]) + len(released["ok"])
        final_reached = await wait_pages(pages, final_version, args.drain)
        cpu3 = cpu_seconds(hub.pid)
        busy, wall = machine_busy_seconds() - busy0, time.monotonic() - wall0
        await asyncio.sleep(1)  # anything still in flight (a wrong late frame would show)
        true_final = await current(hub.http_url, store)
        metrics1 = hub_counters(hub.http_url)
        load.append(uptime())
        for g in generators:
            g.send("stop")
        page_procs = [await g.reply("done") for g in pages]
        cart_proc = await carts.reply("done")
    finally:
        for g in generators:
            g.stop()
        hub.stop()
    changed = {k: metrics1[k] - metrics0.get(k, 0) for k in metrics1 if metrics1[k] != metrics0.get(k, 0)}  # fmt: skip
    return {
        "window": args.window, "v0": v0, "span": span, "sold": sold, "released": released,
        "sold_reached": sold_reached, "final_reached": final_reached,
        "hub_cpu": {"sale": cpu1 - cpu0, "release": cpu3 - cpu2}, "true_final": true_final,
        "page_procs": page_procs, "cart_proc": cart_proc, "machine_busy_s": busy, "wall_s": wall,
        "uptime": load, "hub_metrics": changed, "open_s": open_s, "machine": machine(),
    }  # fmt: skip


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--carts", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--release", type=int, default=500)
    parser.add_argument("--page-procs", type=int, default=2)
    parser.add_argument("--drain", type=float, default=300, help="longest wait for every page")


def series(args: argparse.Namespace) -> None:
    """Alternate the windows, each run a process of its own holding the lock only for itself."""
    size = ["--pages", str(args.pages), "--carts", str(args.carts), "--units", str(args.units),
            "--release", str(args.release), "--page-procs", str(args.page_procs),
            "--drain", str(args.drain)]  # fmt: skip
    files = []
    stamp = time.strftime("%H%M")
    for pair in range(1, args.pairs + 1):
        for window in args.windows.split(","):
            out = Path(args.dir) / f"flash-{stamp}-{pair}-w{window}.json"
            subprocess.run(["flock", LOCK, PYTHON, "-m", "bench.flash", "run", "--window", window,
                            "--out", str(out), *size], check=True)  # fmt: skip
            files.append(str(out))
    report(files)


def report(files: list[str]) -> None:
    print(HEADER)
    for i, name in enumerate(files, 1):
        print(row(str(i), analyse(json.loads(Path(name).read_text()))))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run")
    run.add_argument("--window", type=float, required=True)
    run.add_argument("--out", required=True)
    options(run)
    ser = sub.add_parser("series")
    ser.add_argument("--pairs", type=int, default=2)
    ser.add_argument("--windows", default="0,0.15")
    ser.add_argument("--dir", default="bench/results")
    options(ser)
    rep = sub.add_parser("report")
    rep.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.mode == "series":
        series(args)
    elif args.mode == "report":
        report(args.files)
    else:
        raise_fd_limit()
        print(f"flash run, window {args.window}: {machine()}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(one_run(args, Path(tmp)))
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result))
        analysed = analyse(result)
        print(json.dumps(analysed, indent=1), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
