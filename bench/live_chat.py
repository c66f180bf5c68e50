"""Live selling, chat end to end (issue 14): a visitor's `say` on /ws/live to the `said` the
store's connection in that session receives, against a bare `websockets` relay in the same run.

Each session has two connections, the visitor's (its session link) and the store's (the store
key with the session's id); every visitor sends one message a second, spread evenly, through a
warm-up and then a measured window. Latency runs from the visitor's send to the store
connection's arrival (CLOCK_MONOTONIC, one clock for every process). The hub (or the relay) runs
in its own process; the clients in one more, which reads the server's CPU from /proc at the
window's edges, and its own with getrusage.

    python -m bench.live_chat            # 1,000 sessions (2,000 connections), 10 s + 30 s
    python -m bench.live_chat --short    # 200 sessions, 3 s + 10 s: a quick check
    python -m bench.live_chat --profile bench/results/live_chat.svg   # py-spy on the hub
        (a profiled run's figures are slower: sampling stops the hub 100 times a second)

Baseline (`bench/peers.py --kind relay`): each visitor frame forwarded as is to its store
connection, nothing decoded, nothing stored. The hub validates the command, commits it (SQLite,
synchronous=FULL, group commit), answers the visitor, sends `said` to both sides and tells the
store's lobby; the relay does none of that, so the ratio says what all of it costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.fanout import start_peer
from bench.harness import (
    PYTHON,
    ROOT,
    TICKS,
    cpu_seconds,
    create_store,
    machine,
    pct,
    start_hub,
)
from bench.harness import machine_busy_seconds as busy_seconds

TEXT = "Hello! Is the blue one still available in size M, and could you show it closer?"

# ---- the load generator (its own process: `--client SPEC`) ----------------------------------


def loadavg() -> float:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return float(fh.read().split()[0])


def loop_cpu(pid: int) -> float:
    """CPU time of the process's main thread (the event loop); the rest is its other threads
    (for the hub: the database's writer, reader and checkpoint threads)."""
    return _task_cpu(pid, pid)


def _task_cpu(pid: int, tid: int) -> float:
    with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def threads_cpu(pid: int) -> dict[str, float]:
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            out[tid] = _task_cpu(pid, int(tid))
    return out


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def open_hub_pair(url: str, key: str, link: str, session_id: str) -> list[ClientConnection]:
    pair = []
    for hello in ({"token": link}, {"token": key, "session_id": session_id}):
        ws = await connect(url, compression=None, open_timeout=120, max_queue=None)
        await ws.send(json.dumps({"type": "hello", "versions": [1], **hello}))
        while '"type":"live_snapshot"' not in str(await ws.recv()):
            pass  # welcome, then the snapshot
        pair.append(ws)
    return pair


async def open_relay_pair(url: str, i: int) -> list[ClientConnection]:
    store = await connect(f"{url}/s/{i}", compression=None, open_timeout=120, max_queue=None)
    assert await store.recv() == "ok"
    visitor = await connect(f"{url}/v/{i}", compression=None, open_timeout=120, max_queue=None)
    assert await visitor.recv() == "ok"
    return [visitor, store]


class Recorder:
    """What the readers saw: when each chat message reached its store, and the visitors' frames."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.visitor_frames = 0
        self.errors: list[str] = []

    async def store_side(self, ws: ClientConnection) -> None:
        # No JSON decoding: find the message's id ("chat.<session>.<n>") in the raw frame.
        async for raw in ws:
            t = time.monotonic()
            text = str(raw)
            i = text.find('"chat.')
            if i >= 0:
                self.arrivals[text[i + 1 : text.index('"', i + 1)]] = t

    async def visitor_side(self, ws: ClientConnection) -> None:
        async for raw in ws:  # the result, and `said` on the visitor's own stream
            self.visitor_frames += 1
            if str(raw).startswith('{"type":"error"') and len(self.errors) < 5:
                self.errors.append(str(raw)[:300])


async def client_main(spec: dict[str, Any]) -> dict[str, Any]:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sem = asyncio.Semaphore(100)

    async def open_one(i: int) -> list[ClientConnection]:
        async with sem:
            if spec["kind"] == "hub":
                link, session_id = spec["pairs"][i]
                return await open_hub_pair(spec["url"], spec["key"], link, session_id)
            return await open_relay_pair(spec["url"], i)

    t_open = time.monotonic()
    pairs = await asyncio.gather(*(open_one(i) for i in range(spec["sessions"])))
    opened_s = time.monotonic() - t_open
    rec = Recorder()
    readers = [asyncio.create_task(rec.visitor_side(v)) for v, _ in pairs]
    readers += [asyncio.create_task(rec.store_side(s)) for _, s in pairs]
    await asyncio.sleep(1)  # presence and other greetings settle

    n = len(pairs)
    rate = n * spec["per_session_rate"]
    server = spec["server_pid"]
    sent: dict[str, float] = {}
    lags: list[float] = []
    start = time.monotonic() + 0.05
    warm_end = start + spec["warmup"]
    end = warm_end + spec["seconds"]
    edges: dict[str, Any] = {}
    k = 0
    while (now := time.monotonic()) < end:
        if not edges and now >= warm_end:
            print("measuring", spec["seconds"], flush=True)  # the orchestrator may profile now
            edges = {"server": cpu_seconds(server), "loop": loop_cpu(server),
                     "threads": threads_cpu(server), "own": own_cpu(),
                     "busy": busy_seconds(), "load": loadavg(), "t": now}  # fmt: skip
        due = int((now - start) * rate)
        while k <= due:
            scheduled = start + k / rate
            i = k % n
            cid = f"chat.{i}.{k}"
            t = time.monotonic()
            await pairs[i][0].send(f'{{"type":"say","id":"{cid}","text":"{TEXT}"}}')
            if scheduled >= warm_end:
                sent[cid] = t
                lags.append(t - scheduled)
            k += 1
        await asyncio.sleep(0.002)
    window = time.monotonic() - edges["t"]
    # CPU is counted until the window's last message has arrived: an overloaded server is still
    # working on the window's messages when the window closes.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(c not in rec.arrivals for c in sent):
        await asyncio.sleep(0.05)
    drained = time.monotonic() - edges["t"] - window
    server_cpu = cpu_seconds(server) - edges["server"]
    server_loop = loop_cpu(server) - edges["loop"]
    threads = {t: c - edges["threads"].get(t, 0.0) for t, c in threads_cpu(server).items()}
    gen_cpu = own_cpu() - edges["own"]
    busy = busy_seconds() - edges["busy"]
    load_end = loadavg()
    latencies = [rec.arrivals[c] - t for c, t in sent.items() if c in rec.arrivals]
    by_second: dict[int, list[float]] = {}  # when the slow ones were sent
    for c, t in sent.items():
        if c in rec.arrivals:
            by_second.setdefault(int(t - edges["t"]), []).append(rec.arrivals[c] - t)
    for task in readers:
        task.cancel()
    count = len(sent)
    return {
        "kind": spec["kind"],
        "sessions": n,
        "connections": 2 * n,
        "open_s": opened_s,
        "window_s": window,
        "drain_s": drained,
        "sent": count,
        "delivered": len(latencies),
        "lost": count - len(latencies),
        "sent_per_s": count / window,
        "delivered_per_s": len(latencies) / window,
        "p50_ms": pct(latencies, 50) * 1000,
        "p99_ms": pct(latencies, 99) * 1000,
        "max_ms": max(latencies, default=float("nan")) * 1000,
        "send_lag_p99_ms": pct(lags, 99) * 1000,
        "server_cpu_s": server_cpu,
        "server_cpu_us_per_msg": server_cpu / max(count, 1) * 1e6,
        "server_cores": server_cpu / (window + drained),
        "server_loop_us_per_msg": server_loop / max(count, 1) * 1e6,
        "server_threads_us_per_msg": (server_cpu - server_loop) / max(count, 1) * 1e6,
        "server_cpu_by_thread_id": threads,
        "loadgen_cpu_s": gen_cpu,
        "loadgen_cpu_us_per_msg": gen_cpu / max(count, 1) * 1e6,
        "machine_cores_busy": busy / (window + drained),
        "loadavg": [edges["load"], load_end],
        "p99_ms_by_second": [round(pct(v, 99) * 1000, 1) for _, v in sorted(by_second.items())],
        "visitor_frames": rec.visitor_frames,
        "errors": rec.errors,
    }


# ---- the orchestrator ----------------------------------------------------------------------


def run_client(spec: dict[str, Any], tmp: Path, profile: Path | None, pid: int) -> dict[str, Any]:
    path = tmp / f"spec-{spec['kind']}.json"
    path.write_text(json.dumps(spec))
    proc = subprocess.Popen(
        [PYTHON, "-m", "bench.live_chat", "--client", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    spy = None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("measuring") and profile is not None:
            spy = subprocess.Popen(
                [str(Path(PYTHON).parent / "py-spy"), "record", "--pid", str(pid), "--duration",
                 str(int(spec["seconds"])), "--rate", "100", "--threads", "--output",
                 str(profile), "--format", "flamegraph" if profile.suffix == ".svg" else "raw"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
    if proc.wait() != 0:
        raise RuntimeError(f"the load generator failed: {''.join(lines)[-2000:]}")
    if spy is not None:
        spy.wait(60)
    result: dict[str, Any] = json.loads(lines[-1])
    return result


async def hub_sessions(http_url: str, store_id: str, n: int) -> list[tuple[str, str]]:
    """`n` sessions started as visitors start them (public mode over HTTP): (link, session id)."""
    sem = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=http_url, timeout=60) as http:

        async def one(i: int) -> tuple[str, str]:
            async with sem:
                r = await http.post(
                    f"/api/live/stores/{store_id}/sessions", json={"label": f"Visitor {i}"}
                )
                r.raise_for_status()
                body = r.json()
                return body["link"], body["session"]["session_id"]

        return list(await asyncio.gather(*(one(i) for i in range(n))))


async def run_hub(args: argparse.Namespace, tmp: Path, run: int) -> dict[str, Any]:
    data = tmp / f"hub-{run}"
    hub = start_hub(data, module="bench.live_hub")
    try:
        store, key = await create_store(hub, data, {"mug": 10})
        pairs = await hub_sessions(hub.http_url, store, args.sessions)
        spec = {"kind": "hub", "url": f"{hub.ws_url}/ws/live", "key": key, "pairs": pairs,
                "sessions": args.sessions, "per_session_rate": args.rate,
                "warmup": args.warmup, "seconds": args.seconds, "server_pid": hub.pid}  # fmt: skip
        return run_client(spec, tmp, args.profile, hub.pid)
    finally:
        hub.stop()


def run_relay(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    server, port = start_peer("relay")
    try:
        spec = {"kind": "relay", "url": f"ws://127.0.0.1:{port}", "sessions": args.sessions,
                "per_session_rate": args.rate, "warmup": args.warmup, "seconds": args.seconds,
                "server_pid": server.pid}  # fmt: skip
        return run_client(spec, tmp, None, server.pid)
    finally:
        server.terminate()
        server.wait(10)


def show(result: dict[str, Any]) -> str:
    return (
        f"{result['kind']:5} {result['connections']} connections: "
        f"sent {result['sent_per_s']:.0f}/s, delivered {result['delivered_per_s']:.0f}/s "
        f"(lost {result['lost']}), p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"max {result['max_ms']:.0f} ms, drained in {result['drain_s']:.1f} s; "
        f"server CPU {result['server_cpu_us_per_msg']:.0f} µs/msg "
        f"({result['server_cores']:.2f} cores; event loop "
        f"{result['server_loop_us_per_msg']:.0f}, other threads "
        f"{result['server_threads_us_per_msg']:.0f}), load generator "
        f"{result['loadgen_cpu_us_per_msg']:.0f} µs/msg, machine {result['machine_cores_busy']:.2f}"
        f" cores busy, load average {result['loadavg'][0]:.2f} -> {result['loadavg'][1]:.2f}; "
        f"send lag p99 {result['send_lag_p99_ms']:.1f} ms; errors {result['errors'][:1]}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--short", action="store_true", help="200 sessions, 3 s + 10 s")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1.0, help="messages/s per visitor")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="hub/relay pairs, order alternating")
    parser.add_argument("--kinds", default="hub,relay")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output (.svg or .txt)")
    parser.add_argument("--out", default="bench/results/live_chat.json")
    args = parser.parse_args()
    if args.client:
        result = await client_main(json.loads(Path(args.client).read_text()))
        print(json.dumps(result), flush=True)
        return
    if args.short:
        args.sessions, args.warmup, args.seconds = 200, 3, 10
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the hub inherits it
    print(machine(), f"; load average {loadavg():.2f}", flush=True)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for r in range(args.rounds):
            kinds = args.kinds.split(",")
            for kind in kinds if r % 2 == 0 else kinds[::-1]:
                result = await run_hub(args, tmp, r) if kind == "hub" else run_relay(args, tmp)
                results.append(result)
                print(show(result), flush=True)
    hub = [r for r in results if r["kind"] == "hub"]
    relay = [r for r in results if r["kind"] == "relay"]
    for h, b in zip(hub, relay, strict=False):
        print(
            f"hub / relay: p50 {h['p50_ms'] / b['p50_ms']:.2f}x, p99 {h['p99_ms'] / b['p99_ms']:.2f}x,"
            f" CPU per message {h['server_cpu_us_per_msg'] / b['server_cpu_us_per_msg']:.2f}x"
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"machine": machine(), "results": results}, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    asyncio.run(main())
