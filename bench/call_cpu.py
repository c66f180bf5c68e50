"""The CPU of showing a 640x480/30 fps call (bench/calls.py --part cpu): a sender process and
a receiver process (bench/call_peers.py) connected by aiortc on loopback; each receiver kind in
turn, the bare loop first and last of each round, so every ratio has a baseline of the same run.
Both processes' user + system CPU come from /proc/<pid>/stat over a window that starts once
frames flow and a warm-up has passed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from bench.harness import PYTHON, ROOT, cpu_seconds

KINDS = ("bare", "rgb", "media", "qt")


@dataclass
class CpuRun:
    kind: str
    seconds: float
    fps: float
    paints: float  # a second, in the qt receiver
    receiver_cpu: float
    sender_cpu: float

    @property
    def receiver_share(self) -> float:
        """Of one core, per second of call."""
        return self.receiver_cpu / self.seconds

    @property
    def sender_share(self) -> float:
        return self.sender_cpu / self.seconds


async def spawn(role: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "bench.call_peers",
        role,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )


async def line(proc: asyncio.subprocess.Process, within: float = 30) -> dict[str, Any]:
    assert proc.stdout is not None
    while True:
        raw = await asyncio.wait_for(proc.stdout.readline(), within)
        if not raw:
            raise RuntimeError(f"peer {proc.pid} ended")
        with contextlib.suppress(json.JSONDecodeError):  # (library noise on stdout, if any)
            data: dict[str, Any] = json.loads(raw)
            return data


def tell(proc: asyncio.subprocess.Process, data: dict[str, Any] | str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(((json.dumps(data) if isinstance(data, dict) else data) + "\n").encode())


async def stop(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(Exception):
        tell(proc, "stop")
        assert proc.stdin is not None
        await proc.stdin.drain()
        proc.stdin.close()
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def one(kind: str, warmup: float, seconds: float) -> CpuRun:
    sender = await spawn("sender")
    receiver = await spawn(kind)
    try:
        tell(receiver, await line(sender))
        tell(sender, await line(receiver))
        latest: dict[str, float] = {"frames": 0, "painted": 0}

        async def follow() -> None:
            while True:
                latest.update(await line(receiver))

        follower = asyncio.ensure_future(follow())
        deadline = time.monotonic() + 30
        while latest["frames"] == 0:
            if time.monotonic() > deadline or follower.done():
                raise RuntimeError(f"{kind}: no frames arrived")
            await asyncio.sleep(0.1)
        await asyncio.sleep(warmup)
        t0, first = time.monotonic(), dict(latest)
        r0, s0 = cpu_seconds(receiver.pid), cpu_seconds(sender.pid)
        await asyncio.sleep(seconds)
        t1, last = time.monotonic(), dict(latest)
        r1, s1 = cpu_seconds(receiver.pid), cpu_seconds(sender.pid)
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError, RuntimeError):
            await follower
        # Frames a second from the receiver's own reports (its clock, CLOCK_MONOTONIC too).
        fps = (last["frames"] - first["frames"]) / (last["t"] - first["t"])
        paints = (last["painted"] - first["painted"]) / (last["t"] - first["t"])
        return CpuRun(kind, t1 - t0, fps, paints, r1 - r0, s1 - s0)
    finally:
        await stop(receiver)
        await stop(sender)


async def run_all(kinds: list[str], rounds: int, warmup: float, seconds: float) -> list[CpuRun]:
    """Each round: bare, then the other kinds, then bare again."""
    runs: list[CpuRun] = []
    for _ in range(rounds):
        order = ["bare", *[k for k in kinds if k != "bare"], "bare"]
        for kind in order:
            run = await one(kind, warmup, seconds)
            print(
                f"  {kind:6} {run.fps:5.1f} frames/s  receiver {run.receiver_share:6.1%} of a core"
                f"  sender {run.sender_share:6.1%}",
                flush=True,
            )
            runs.append(run)
    return runs


def table(runs: list[CpuRun]) -> list[str]:
    """Markdown rows: each kind's mean over its runs, against the mean of the bare runs."""
    bare = [r.receiver_share for r in runs if r.kind == "bare"]
    base = sum(bare) / len(bare)
    rows = [
        "| receiver | runs | frames/s | receiver CPU (of a core) | vs bare | sender CPU |"
        " paints/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in dict.fromkeys(r.kind for r in runs):
        mine = [r for r in runs if r.kind == kind]
        share = sum(r.receiver_share for r in mine) / len(mine)
        fps = sum(r.fps for r in mine) / len(mine)
        sender = sum(r.sender_share for r in mine) / len(mine)
        paints = sum(r.paints for r in mine) / len(mine)
        each = ", ".join(f"{r.receiver_share:.1%}" for r in mine)
        rows.append(
            f"| {kind} | {len(mine)} | {fps:.1f} | {share:.1%} ({each}) | {share / base:.2f}x "
            f"| {sender:.1%} | {paints:.1f} |"
        )
    return rows
