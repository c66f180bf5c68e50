"""The line protocol between bench/flash.py and its load generator processes.

A generator prints `ready <n>` once its clients are connected, then reads one command a line on
stdin and answers each on stdout with `<word> <json>`. Its CPU is measured from `go` on, so the
connecting does not count.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
from typing import Any

from bench.harness import PYTHON, ROOT


def raise_fd_limit() -> None:
    """10,000 sockets need more than the usual 1,024 open files."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def read_command() -> list[str]:
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.split() or ["stop"]  # a closed stdin stops the generator


def answer(word: str, body: dict[str, Any]) -> None:
    print(word, json.dumps(body), flush=True)


class Generator:
    """The orchestrator's handle on one load generator process."""

    def __init__(self, module: str, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ready(self) -> int:
        line = self._line()
        if not line.startswith("ready"):
            raise RuntimeError(f"load generator failed to start: {line!r}")
        return int(line.split()[1])

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    async def reply(self, word: str) -> dict[str, Any]:
        line = await asyncio.to_thread(self._line)
        got, _, body = line.partition(" ")
        if got != word:
            raise RuntimeError(f"expected {word!r} from a load generator, got {line!r}")
        result: dict[str, Any] = json.loads(body)
        return result

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
