"""A real TURN relay for the call tests: coturn (Debian package `coturn`) on 127.0.0.1, started
in the foreground from a config file of its own in a temporary directory, stopped at the end.

What coturn needs to relay between two peers that are both on loopback (checked with 4.6.1):
- `allow-loopback-peers`: each peer's relay address is 127.0.0.1:<port>, and coturn refuses
  peers on 127.x.x.x by default (CreatePermission and ChannelBind answer `403 Forbidden IP`).
- `no-cli` with it: coturn refuses to start with `allow-loopback-peers` and its telnet CLI
  open without a password (and the CLI would listen on the fixed port 5766 anyway).
- `listening-ip` and `relay-ip` 127.0.0.1: the relay addresses handed out are on loopback too.
Never use `allow-loopback-peers` on a real relay: it lets any TURN user reach the relay host's
own services."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.waiting import free_port

REALM = "turn.cartstart.test"
RELAY_PORTS = 200  # relay ports (one per allocation, two per call here)


@dataclass(frozen=True)
class Turn:
    host: str
    port: int
    secret: str
    realm: str
    log: Path
    min_port: int  # the relay ports, where relayed candidates are
    max_port: int

    @property
    def url(self) -> str:
        return f"turn:{self.host}:{self.port}?transport=udp"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _relay_ports() -> int:
    """The first port of a range of RELAY_PORTS above the kernel's ephemeral ports (Linux's
    default range ends at 60999), at a random place so parallel runs rarely share ports
    (coturn moves on to another port of its range when one is taken)."""
    return 61000 + secrets.randbelow((65535 - 61000) // RELAY_PORTS) * RELAY_PORTS


def _answers_stun(port: int) -> bool:
    """A STUN binding request (RFC 5389) over UDP gets a success response."""
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + secrets.token_bytes(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.1)
        sock.sendto(request, ("127.0.0.1", port))
        try:
            reply = sock.recv(2048)
        except OSError:
            return False
    return reply[:2] == b"\x01\x01" and reply[8:20] == request[8:20]


@contextmanager
def turn_server() -> Iterator[Turn]:
    """coturn with TURN REST credentials (`use-auth-secret`): the hub is given `secret`."""
    binary = shutil.which("turnserver")
    if binary is None:
        raise RuntimeError("coturn is not installed: run ./scripts/system-deps.sh coturn")
    base = Path(tempfile.mkdtemp(prefix="cartstart-turn-"))
    port, low, secret = free_port(), _relay_ports(), secrets.token_hex(16)
    log = base / "turn.log"
    config = base / "turnserver.conf"
    config.write_text(
        "\n".join(
            [
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                f"listening-port={port}",
                f"min-port={low}",
                f"max-port={low + RELAY_PORTS - 1}",
                "use-auth-secret",
                f"static-auth-secret={secret}",
                f"realm={REALM}",
                "fingerprint",
                "no-tls",
                "no-dtls",
                "no-tcp",
                "no-tcp-relay",
                "no-cli",
                "allow-loopback-peers",
                "no-rfc5780",
                "no-software-attribute",
                f"userdb={base / 'turndb'}",
                f"pidfile={base / 'turn.pid'}",
                f"log-file={log}",
                "simple-log",
                "no-stdout-log",
                "verbose",
                "",
            ]
        )
    )
    proc = subprocess.Popen(
        [binary, "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=base,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers_stun(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace") if log.exists() else "(no log)"
                raise RuntimeError(f"turnserver did not start (exit {proc.poll()}):\n{text}")
        yield Turn("127.0.0.1", port, secret, REALM, log, low, low + RELAY_PORTS - 1)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(base, ignore_errors=True)
