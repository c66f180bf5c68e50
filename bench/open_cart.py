"""Benchmark: opening the desktop cart with 5,000 items, time to first paint and RSS.

Each run is a fresh process (imports and all), timed from before the first import to the first
painted frame. Baseline, in the same run: bare Qt showing a 5,000 x 6 QStandardItemModel in a
QTreeView, the cheapest way to put the same number of rows on screen. Goal: under 300 ms and
under 200 MB.

    QT_QPA_PLATFORM=offscreen python bench/open_cart.py [--items 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def figures(t0: float, t_import: float, t_loaded: float, t_painted: float) -> dict[str, float]:
    """What each child reports, from the same four instants."""
    return {
        "import_ms": (t_import - t0) * 1000,
        "load_ms": (t_loaded - t_import) * 1000,
        "show_ms": (t_painted - t_loaded) * 1000,
        "total_ms": (t_painted - t0) * 1000,
        "rss_mb": rss_mb(),
    }


def child_cartstart(home: Path, t0: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from cartstart_desktop.core.credentials import MemoryCredentials
    from cartstart_desktop.core.session import CartSession
    from cartstart_desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    t_import = time.perf_counter()
    session = CartSession(home, MemoryCredentials(), open_url=lambda _: None)

    async def run() -> dict[str, float]:
        await session.open()  # reads the local database (no hub: not signed in)
        t_loaded = time.perf_counter()
        window = MainWindow(session)
        window.resize(1100, 700)
        window.show()
        app.processEvents()
        window.grab()
        t_painted = time.perf_counter()
        assert window.cart_tab.model.rowCount() == 20
        # Nothing was fetched before the first paint (the network stack is not even loaded).
        assert "httpx" not in sys.modules and session.images.fetched == 0
        window.detach()
        await session.close()
        return figures(t0, t_import, t_loaded, t_painted)

    return asyncio.run(run())


def child_baseline(items: int, t0: float) -> dict[str, float]:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTreeView

    app = QApplication(sys.argv[:1])
    t_import = time.perf_counter()
    model = QStandardItemModel()
    stores = 20
    for s in range(stores):
        parent = QStandardItem(f"Store {s}")
        for n in range(items // stores):
            parent.appendRow(
                [QStandardItem(f"Product {s}-{n}"), *(QStandardItem(str(c)) for c in range(5))]
            )
        model.appendRow(parent)
    t_loaded = time.perf_counter()
    view = QTreeView()
    view.setUniformRowHeights(True)
    view.setModel(model)
    view.resize(1100, 700)
    view.expandAll()
    view.show()
    app.processEvents()
    view.grab()
    t_painted = time.perf_counter()
    return figures(t0, t_import, t_loaded, t_painted)


def prepare(home: Path, items: int) -> None:
    """A local cart database holding `items` tickets in 20 stores, as a real session leaves it."""
    from cartstart_desktop.core.cart import CartItem
    from cartstart_desktop.core.local_store import LocalStore
    from shared_protocol.common import Money, TicketView

    now = time.time()
    rows = [
        CartItem(
            TicketView(
                ticket_id=f"t{n}",
                store_id=f"s{n % 20}",
                store_name=f"Store number {n % 20}",
                product_id=f"p{n}",
                name=f"Product {n} with a fairly long descriptive name",
                code=f"SKU-{n:05d}",
                price=Money(amount=100 + n, currency="EUR" if n % 3 else "GBP"),
                source_url=f"https://store{n % 20}.example/products/p{n}",
                # Pictures on a port where nothing listens: the window must paint before any
                # is fetched (placeholders first), and a failed fetch must not slow it.
                image_url=f"http://127.0.0.1:9/store{n % 20}/p{n}.png",
                qty=1 + n % 4,
                state="held",
                created_at=now,
                expires_at=now + 900 + n,
                renewals_left=2,
                version=1,
            )
        )
        for n in range(items)
    ]

    async def write() -> None:
        store = LocalStore(home / "cart.sqlite3")
        await store.open()
        await store.save(rows, last_seq=items)
        await store.close()

    asyncio.run(write())


def run_child(kind: str, items: int, home: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, str(HERE), "--child", kind, "--items", str(items), "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=["cartstart", "baseline"])
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.child:
        t0 = time.perf_counter()
        if args.child == "cartstart":
            result = child_cartstart(args.home, t0)
        else:
            result = child_baseline(args.items, t0)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        prepare(home, args.items)
        results: dict[str, list[dict[str, float]]] = {"cartstart": [], "baseline": []}
        for _ in range(args.runs):  # interleaved, so both see the same machine state
            for kind in results:
                results[kind].append(run_child(kind, args.items, home))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    print(f"{args.items} items, median of {args.runs} fresh processes (offscreen)\n")
    print(f"{'':12}{'import+app':>12}{'load':>10}{'show+paint':>12}{'total':>10}{'RSS':>10}")
    medians = {}
    for kind, runs in results.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        medians[kind] = med
        print(
            f"{kind:12}{med['import_ms']:>10.0f}ms{med['load_ms']:>8.0f}ms{med['show_ms']:>10.0f}ms"
            f"{med['total_ms']:>8.0f}ms{med['rss_mb']:>8.0f}MB"
        )
    ours, base = medians["cartstart"], medians["baseline"]
    print(
        f"\nratio cartstart/baseline: total {ours['total_ms'] / base['total_ms']:.2f}x, "
        f"RSS {ours['rss_mb'] / base['rss_mb']:.2f}x"
    )
    print(
        f"goal: total < 300 ms ({'met' if ours['total_ms'] < 300 else 'MISSED'}), "
        f"RSS < 200 MB ({'met' if ours['rss_mb'] < 200 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
