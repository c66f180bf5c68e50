"""The latency plot for docs/benchmarks.md: fan-out delivery latency (CDF) for the hub, the bare
`websockets` broadcast and python-socketio, from bench/results/fanout.json.

    python -m bench.plot [--size 10000] [--out docs/img/fanout-latency.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt

LABELS = {
    "hub": "CartStart hub (stock change through the store API)",
    "bare": "bare websockets broadcast()",
    "socketio": "python-socketio on aiohttp",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="bench/results/fanout.json")
    parser.add_argument("--out", default="docs/img/fanout-latency.png")
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    results = json.loads(Path(args.results).read_text())
    sizes = [int(s) for s in args.sizes.split(",")]
    fig, axes = plt.subplots(1, len(sizes), figsize=(5 * len(sizes), 4), sharey=True)
    for ax, size in zip(axes, sizes, strict=True):
        for kind, label in LABELS.items():
            key = f"{kind}-{size}"
            if key not in results:
                continue
            values = sorted(v * 1000 for v in results[key]["raw"])
            if not values:
                continue
            ys = [(i + 1) / len(values) for i in range(len(values))]
            ax.plot(values, ys, label=label)
        ax.set_title(f"{size:,} subscribed pages")
        ax.set_xlabel("delivery latency (ms)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("fraction of messages delivered")
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle("One stock change fanned out to every page showing the product")
    fig.tight_layout()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)


if __name__ == "__main__":
    main()
