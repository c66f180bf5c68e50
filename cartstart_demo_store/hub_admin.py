"""The hub as its admin runs it: its own CLI (`cartstart-server`) in subprocesses, and its public
HTTP API. Nothing here imports the hub's code; any shop or admin could do the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

# The demo's terminal is for its banner: plain-text hub logs, warnings and worse only.
QUIET = {"CARTSTART_LOG_FORMAT": "text", "CARTSTART_LOG_LEVEL": "WARNING"}
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class HubError(Exception):
    """The hub or its CLI failed; the message says why in one line."""


@dataclass(frozen=True)
class HubSettings:
    """What every `cartstart-server` command gets: the data directory and config file, and for
    `serve` the addresses (None: the hub's own default)."""

    data_dir: Path
    config: Path | None = None
    host: str | None = None
    port: int | None = None
    ws_port: int | None = None

    def common(self) -> list[str]:
        args = ["--data-dir", str(self.data_dir)]
        return args + (["--config", str(self.config)] if self.config else [])

    def listen(self) -> list[str]:
        flags = {"--host": self.host, "--port": self.port, "--ws-port": self.ws_port}
        return [part for flag, v in flags.items() if v is not None for part in (flag, str(v))]


def server_command() -> list[str]:
    """`cartstart-server` beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "cartstart-server"
    found = str(beside) if beside.exists() else shutil.which("cartstart-server")
    if found is None:
        raise HubError("cartstart-server is not installed here (pip install cartstart)")
    return [found]


def _env() -> dict[str, str]:
    return {**os.environ, **QUIET}


def _last_line(text: bytes) -> str:
    lines = [ln.strip() for ln in text.decode(errors="replace").splitlines() if ln.strip()]
    return lines[-1].removeprefix("cartstart-server: ") if lines else ""


async def run_cli(settings: HubSettings, *args: str) -> str:
    """One `cartstart-server` command; returns what it printed, or raises HubError."""
    proc = await asyncio.create_subprocess_exec(
        *server_command(),
        *args,
        *settings.common(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )
    try:
        out, err = await proc.communicate()
    except asyncio.CancelledError:
        await _end(proc)
        raise
    if proc.returncode != 0:
        why = _last_line(err) or f"exit status {proc.returncode}"
        raise HubError(f"cartstart-server {' '.join(args)}: {why}")
    return out.decode()


def _printed(out: str, label: str) -> str:
    found = re.search(rf"{label}:\s*(\S+)", out)
    if found is None:
        raise HubError(f"cartstart-server printed no {label}")
    return found.group(1)


KEYS_FILE = "demo-keys.json"  # beside the hub's database; the demo's keys, kept between runs


def _kept_keys(path: Path) -> dict[str, list[str]]:
    try:
        kept: dict[str, list[str]] = json.loads(path.read_text())
        return kept
    except (OSError, ValueError):
        return {}


def _keep_keys(path: Path, keys: dict[str, tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # keys are secrets
    with os.fdopen(descriptor, "w") as out:
        json.dump({name: list(pair) for name, pair in keys.items()}, out, indent=1)


async def store_keys(settings: HubSettings, names: list[str]) -> dict[str, tuple[str, str]]:
    """(store id, API key) for each store name, the same on every run: a store is added the first
    time and its key kept in the data directory (the hub keeps only a key's hash). A store the
    hub has but whose key the demo did not keep gets a new key, once."""
    listing = await run_cli(settings, "store", "list")
    existing = dict(
        (fields[1], fields[0])
        for fields in (line.split("\t") for line in listing.splitlines())
        if len(fields) > 1
    )
    path = settings.data_dir / KEYS_FILE
    kept = _kept_keys(path)
    keys = {}
    for name in names:
        store_id = existing.get(name)
        if store_id is not None and kept.get(name, [None])[0] == store_id:
            keys[name] = (store_id, kept[name][1])
        elif store_id is not None:
            out = await run_cli(settings, "store", "rotate-key", store_id)
            keys[name] = (store_id, _printed(out, "api key"))
        else:
            out = await run_cli(settings, "store", "add", name)
            keys[name] = (_printed(out, "store id"), _printed(out, "api key"))
    if keys != {name: tuple(pair) for name, pair in kept.items()}:
        _keep_keys(path, keys)
    return keys


@dataclass(frozen=True)
class RunningHub:
    http_url: str
    ws_url: str
    process: asyncio.subprocess.Process


class _Relay:
    """Copies a child's output lines to ours. While `holding`, it keeps them instead: a hub that
    fails to start is summed up in one line, not its whole log."""

    def __init__(self, to: IO[str], *, holding: bool) -> None:
        self.to = to
        self.holding = holding
        self.held: list[bytes] = []

    async def run(self, source: asyncio.StreamReader) -> None:
        while line := await source.readline():
            if self.holding:
                self.held.append(line)
            else:
                self._write(line)

    def release(self) -> None:
        self.holding = False
        for line in self.held:
            self._write(line)
        self.held.clear()

    def _write(self, line: bytes) -> None:
        self.to.write(line.decode(errors="replace"))
        self.to.flush()


@contextlib.asynccontextmanager
async def running_hub(settings: HubSettings) -> AsyncIterator[RunningHub]:
    """`cartstart-server serve` until the block ends; its warnings go to our stderr."""
    proc = await asyncio.create_subprocess_exec(
        *server_command(),
        "serve",
        *settings.common(),
        *settings.listen(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    errors = _Relay(sys.stderr, holding=True)
    relays = [asyncio.create_task(errors.run(proc.stderr))]
    try:
        ready = await _ready(proc.stdout)
        if ready is None:
            await proc.wait()
            await relays[0]
            why = _last_line(b"".join(errors.held)) or f"exit status {proc.returncode}"
            if "in use" in why:
                why += " (another hub or demo running? --port and --ws-port choose others)"
            raise HubError(f"the hub did not start: {why}")
        errors.release()
        relays.append(asyncio.create_task(_Relay(sys.stdout, holding=False).run(proc.stdout)))
        yield RunningHub(ready["http_url"], ready["ws_url"], proc)
    finally:
        await _end(proc)
        for relay in relays:
            relay.cancel()
        await asyncio.gather(*relays, return_exceptions=True)


async def _ready(stdout: asyncio.StreamReader) -> dict[str, str] | None:
    """The hub's one `{"event": "ready", ...}` line; None if it ended without one."""
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            while line := await stdout.readline():
                with contextlib.suppress(ValueError):
                    event = json.loads(line)
                    if isinstance(event, dict) and event.get("event") == "ready":
                        return event
    except TimeoutError:
        raise HubError(f"the hub did not say it was ready within {READY_TIMEOUT:g} s") from None
    return None


async def _end(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM (the hub shuts down cleanly), then SIGKILL if it takes too long."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()


async def create_shopper(hub_url: str, email: str, password: str, name: str) -> None:
    """A shopper account through the public API (kept if it exists already)."""
    async with httpx.AsyncClient(base_url=hub_url, timeout=30) as http:
        try:
            r = await http.post(
                "/api/accounts", json={"email": email, "password": password, "display_name": name}
            )
        except httpx.TransportError as exc:
            raise HubError(f"the hub did not answer at {hub_url}: {exc}") from exc
    if r.status_code not in (201, 409):  # 409: the account is there from an earlier run
        try:
            why = r.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            why = f"HTTP {r.status_code}"
        raise HubError(f"could not create the demo shopper: {why}")
