"""A hub in its own process, as an admin runs it: `cartstart-server serve`, killable for real."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "cartstart_server.cli"]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CARTSTART_SCRYPT_N": "1024", "CARTSTART_LOG_FORMAT": "json"}, **extra)
    return env


def add_store(data_dir: Path, name: str, *args: str) -> tuple[str, str]:
    """`cartstart-server store add`; returns (store_id, api_key) parsed from its output."""
    out = subprocess.run(
        [*CLI, "store", "add", name, "--data-dir", str(data_dir), *args],
        check=True,
        capture_output=True,
        text=True,
        env=cli_env(),
    ).stdout
    store_id = re.search(r"store id:\s*(\S+)", out)
    key = re.search(r"api key:\s*(\S+)", out)
    assert store_id and key, out
    return store_id.group(1), key.group(1)


class HubProcess:
    def __init__(self, data_dir: Path, **settings: str) -> None:
        """`settings` go to the hub as CARTSTART_* environment variables."""
        self.data_dir = data_dir
        self.settings = {f"CARTSTART_{k.upper()}": v for k, v in settings.items()}
        self.proc: asyncio.subprocess.Process | None = None
        self.http_url = ""
        self.ws_url = ""
        self.http_port = 0
        self.ws_port = 0

    async def start(self) -> HubProcess:
        # The child keeps its own copy of the descriptor; ours is closed at once.
        log = os.open(self.data_dir / "hub.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *CLI,
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--port",
                "0",
                "--ws-port",
                "0",
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                env=cli_env(**self.settings),
            )
        finally:
            os.close(log)
        assert self.proc.stdout is not None
        # Wait for the hub's own readiness line, never sleep-and-hope.
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        ready = json.loads(line)
        assert ready["event"] == "ready", line
        self.http_url, self.ws_url = ready["http_url"], ready["ws_url"]
        self.http_port, self.ws_port = ready["http_port"], ready["ws_port"]
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a power cut for the process."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        assert self.proc is not None
        return await self.proc.wait()

    async def stop(self) -> int:
        if self.proc is None:
            return 0
        if self.proc.returncode is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 15)
