"""The hub's systemd unit as an admin installs it (docs/admin.md, "Run it as a service").

Its exact command line runs as an unprivileged user with the unit's umask and state directory
mode, and must answer /healthz with every file private. systemd-analyze checks the unit itself
where it exists (Debian's systemd package brings it; tests skip only where it is missing)."""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_server.config import load_config

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "installers" / "cartstart-server.service"
EXAMPLE = ROOT / "installers" / "hub.toml"
GUIDE = ROOT / "docs" / "admin.md"
ANALYZE = shutil.which("systemd-analyze")
ROOT_USER = os.geteuid() == 0


def _has_group(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def service() -> dict[str, list[str]]:
    """The [Service] section's settings, each with all its values (keys repeat in units)."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_example_settings_file_loads_with_every_commented_setting_too(tmp_path) -> None:
    assert load_config(EXAMPLE).port == 8740
    # Each "# name = value" line is a setting the admin may switch on: all must be real ones.
    text = re.sub(r"(?m)^# (\w+ = .+)$", r"\1", EXAMPLE.read_text())
    assert text.count("\n# ") < EXAMPLE.read_text().count("\n# ")
    everything = tmp_path / "hub.toml"
    everything.write_text(text)
    config = load_config(everything)
    assert config.public_http_url == "https://hub.example.org"
    assert config.database_url and config.redis_url


def test_the_guide_installs_what_the_unit_runs() -> None:
    """The guide's commands make the user, the venv and the settings file the unit names."""
    unit = service()
    argv = shlex.split(unit["ExecStart"][0])
    guide = GUIDE.read_text()
    venv = str(Path(argv[0]).parent.parent)
    assert f"python3 -m venv {venv}" in guide
    assert f"{venv}/bin/pip install ." in guide
    config = argv[argv.index("--config") + 1]
    assert f"install -Dm644 installers/hub.toml {config}" in guide
    assert "install -Dm644 installers/cartstart-server.service /etc/systemd/system/" in guide
    assert "systemctl enable --now cartstart-server" in guide
    user = unit["User"][0]
    assert re.search(rf"useradd --system .*\n?.*{user}\b", guide)
    # systemd makes the data directory the unit passes (no mkdir in the guide to forget).
    data_dir = argv[argv.index("--data-dir") + 1]
    assert data_dir == "/var/lib/" + unit["StateDirectory"][0]


@pytest.fixture
def state_root() -> Iterator[Path]:
    """A directory the unprivileged user can reach (pytest's tmp_path is root's own, 0700)."""
    path = Path(tempfile.mkdtemp(prefix="cartstart-unit-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def reachable_by_others(path: Path) -> bool:
    """Can another user run this file (every directory on the way searchable by others)?"""
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


SITE_PACKAGES = Path(next(p for p in sys.path if p.endswith("site-packages")))
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}")


def as_nobody() -> bool:
    """Root (CI) runs the hub as `nobody`, where that user can read the code: this checkout and
    this venv's packages, with this venv's Python or the system's one of the same version."""
    python = Path(sys.executable).resolve()
    return (
        ROOT_USER
        and reachable_by_others(ROOT)
        and reachable_by_others(SITE_PACKAGES)
        and (reachable_by_others(python) or SYSTEM_PYTHON.exists())
    )


def hub_program(root: Path) -> Path:
    """This venv's `cartstart-server`, or, where its Python lies in root's own home (pyenv), an
    equivalent script on the system's Python of the same version over this venv's packages."""
    script = Path(sys.executable).with_name("cartstart-server")
    if not as_nobody() or reachable_by_others(Path(sys.executable).resolve()):
        return script
    program = root / "cartstart-server"
    program.write_text(
        f"#!{SYSTEM_PYTHON} -S\n"  # -S: only these packages, not the system's dist-packages
        f"import site, sys\nsite.addsitedir({str(SITE_PACKAGES)!r})\n"
        "from cartstart_server.cli import main\nsys.exit(main())\n"
    )
    program.chmod(0o755)
    return program


@pytest.mark.slow
def test_the_units_command_line_starts_the_hub_as_an_unprivileged_user(state_root) -> None:
    unit = service()
    argv = shlex.split(unit["ExecStart"][0])
    assert argv[0] == "/opt/cartstart/bin/cartstart-server"
    # The paths the guide installs, substituted by this test's venv and a fresh state directory.
    argv[0] = str(hub_program(state_root))
    config = state_root / "hub.toml"
    shutil.copy(EXAMPLE, config)
    config.chmod(0o644)
    argv[argv.index("--config") + 1] = str(config)
    data_dir = state_root / "state"
    data_dir.mkdir(mode=int(unit["StateDirectoryMode"][0], 8))  # what StateDirectory= does
    if as_nobody():
        account = pwd.getpwnam("nobody")
        os.chown(data_dir, account.pw_uid, account.pw_gid)
    argv[argv.index("--data-dir") + 1] = str(data_dir)
    environment = dict(e.split("=", 1) for e in unit.get("Environment", []))
    # Port 0: the example's 8740 may be taken on a test machine (the environment beats the file).
    env = {"PATH": "/usr/bin:/bin", **environment, "CARTSTART_PORT": "0", "CARTSTART_WS_PORT": "0"}
    env["CARTSTART_SCRYPT_N"] = "1024"
    # As systemd starts it: another user (CI runs as root), no groups, the unit's umask.
    group = "nogroup" if _has_group("nogroup") else "nobody"  # Debian's name, and others'
    nobody: dict[str, Any] = {"user": "nobody", "group": group, "extra_groups": []}
    hub = subprocess.Popen(
        argv,
        env=env,
        umask=int(unit["UMask"][0], 8),
        **(nobody if as_nobody() else {}),  # else as oneself (a checkout others cannot read)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert hub.stdout is not None
        line = hub.stdout.readline()
        assert line, hub.communicate(timeout=10)[1]
        ready = json.loads(line)
        assert ready["event"] == "ready"
        answer = httpx.get(ready["http_url"] + "/healthz", timeout=10)
        assert answer.json() == {"status": "ok", "database": "ok", "broker": "ok"}
        files = list(data_dir.rglob("*"))
        assert any(f.name == "hub.sqlite3" for f in files)
        for path in [data_dir, *files]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o077 == 0, f"{path} is {oct(mode)}: readable beyond its user"
            if as_nobody():
                assert path.stat().st_uid == pwd.getpwnam("nobody").pw_uid
    finally:
        hub.send_signal(signal.SIGTERM)
        _, err = hub.communicate(timeout=30)
    assert hub.returncode == 0, err


def unit_with_real_binary(tmp_path: Path) -> Path:
    """systemd-analyze checks that ExecStart's program exists: point it at this venv's."""
    copy = tmp_path / UNIT.name
    text = UNIT.read_text().replace(
        "/opt/cartstart/bin/cartstart-server",
        str(Path(sys.executable).with_name("cartstart-server")),
    )
    copy.write_text(text)
    return copy


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed (Debian: systemd)")
def test_systemd_analyze_verify_finds_nothing_wrong(tmp_path) -> None:
    assert ANALYZE is not None
    done = subprocess.run(
        [ANALYZE, "verify", str(unit_with_real_binary(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in done.stderr.splitlines() if UNIT.name in line]
    assert done.returncode == 0 and not problems, done.stderr


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed (Debian: systemd)")
def test_systemd_analyze_security_rates_the_unit_ok(tmp_path) -> None:
    assert ANALYZE is not None
    done = subprocess.run(
        [ANALYZE, "security", "--offline=true", str(unit_with_real_binary(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", done.stdout)
    assert found, done.stdout + done.stderr
    assert float(found.group(1)) < 3.0, done.stdout
    assert found.group(2) == "OK"
    assert "Unknown key" not in done.stderr, done.stderr
