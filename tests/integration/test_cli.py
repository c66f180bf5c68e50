"""`cartstart-server` as an admin uses it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from cartstart_demo_store.federation import DEMO_SHOPS
from cartstart_demo_store.market import FIRMS
from tests.helpers.process import CLI, HubProcess, add_store, cli_env
from tests.helpers.waiting import free_port, free_port_pair

# The demo federation's own command (`cartstart-demo`), which runs the hub with the CLI above.
DEMO = [sys.executable, "-m", "cartstart_demo_store"]
# Stores the demo registers: its shops and the marketplace's firms (cartstart_demo_store).
STORES = len(DEMO_SHOPS) + len(FIRMS)


def run(*args: str, command: list[str] = CLI) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=cli_env(), timeout=60
    )


@pytest.mark.parametrize(
    ("command", "args", "options"),
    [
        (CLI, ["serve"], ["--data-dir", "--host", "--port", "--ws-port", "--config"]),
        (DEMO, [], ["--data-dir", "--host", "--port", "--ws-port", "--shops-port", "--config"]),
        (CLI, ["store", "add"], ["--data-dir", "--ttl", "--renewal-limit", "--origin", "--config"]),
        (CLI, ["store", "list"], ["--data-dir", "--config"]),
        (CLI, ["store", "rotate-key"], ["--data-dir", "--config"]),
        (CLI, ["store", "add-agent"], ["--data-dir", "--config", "--email", "--name", "--role"]),
        (CLI, ["store", "agents"], ["--data-dir", "--config"]),
        (CLI, ["store", "remove-agent"], ["--data-dir", "--config"]),
        (CLI, ["store", "history-retention"], ["--data-dir", "--config", "--days"]),
    ],
)
def test_help_explains_every_option(
    command: list[str], args: list[str], options: list[str]
) -> None:
    result = run(*args, "--help", command=command)
    assert result.returncode == 0
    for option in options:
        line = next(ln for ln in result.stdout.splitlines() if option in ln)
        assert len(line.split(option, 1)[1].strip()) > 3 or option == "--data-dir", line


@pytest.mark.slow
async def test_store_add_prints_a_working_key_that_rotate_replaces(tmp_path: Path) -> None:
    store_id, key = add_store(tmp_path, "Corner Shop", "--ttl", "60", "--renewal-limit", "1")
    listing = run("store", "list", "--data-dir", str(tmp_path)).stdout
    assert store_id in listing and "Corner Shop" in listing and "ttl=60s" in listing
    hub = await HubProcess(tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=hub.http_url) as http:
            r = await http.get(
                f"/api/stores/{store_id}", headers={"Authorization": f"Bearer {key}"}
            )
            assert r.status_code == 200 and r.json()["settings"]["renewal_limit"] == 1
            rotated = run("store", "rotate-key", store_id, "--data-dir", str(tmp_path))
            new_key = rotated.stdout.split("api key:")[1].strip()
            r = await http.get(
                f"/api/stores/{store_id}", headers={"Authorization": f"Bearer {key}"}
            )
            assert r.status_code == 401
            r = await http.get(
                f"/api/stores/{store_id}", headers={"Authorization": f"Bearer {new_key}"}
            )
            assert r.status_code == 200
    finally:
        assert await hub.stop() == 0  # SIGTERM: a clean shutdown


def test_store_history_retention_shows_and_sets_the_period(tmp_path: Path) -> None:
    store_id, _ = add_store(tmp_path, "Corner Shop")
    shown = run("store", "history-retention", store_id, "--data-dir", str(tmp_path))
    assert (shown.returncode, shown.stdout.strip()) == (0, "presence history kept 30 days")
    changed = run(
        "store", "history-retention", store_id, "--days", "7", "--data-dir", str(tmp_path)
    )
    assert changed.stdout.strip() == "presence history kept 7 days"
    refused = run(
        "store", "history-retention", store_id, "--days", "0", "--data-dir", str(tmp_path)
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == "cartstart-server: visit history is kept 1 to 365 days"
    for days in ([], ["--days", "9"]):
        unknown = run("store", "history-retention", "st-nope", *days, "--data-dir", str(tmp_path))
        assert unknown.returncode == 1
        assert unknown.stderr.strip() == "cartstart-server: no store 'st-nope'"


def test_bad_settings_are_reported_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text("port = 'eighty'\n")
    result = run("serve", "--data-dir", str(tmp_path), "--config", str(config))
    assert result.returncode == 2
    assert "bad setting" in result.stderr and "Traceback" not in result.stderr
    result = run("store", "add", "", "--data-dir", str(tmp_path))
    assert (
        result.returncode == 1
        and "store name" in result.stderr
        and "Traceback" not in result.stderr
    )
    result = run("store", "rotate-key", "st-nope", "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "no store" in result.stderr
    result = run(
        "store", "add-agent", "st-nope", "--email", "a@example.org", "--name", "A",
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 1 and "no store" in result.stderr


def _gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["SIGTERM to the demo", "Ctrl-C (SIGINT to the group)"])
async def test_demo_serves_two_shops_that_register_and_stops_cleanly(
    tmp_path: Path, stop: str
) -> None:
    port = free_port()
    shops = free_port_pair(avoid=(port, port + 1))
    proc = await asyncio.create_subprocess_exec(
        *DEMO,
        "--data-dir",
        str(tmp_path),
        "--port",
        str(port),
        "--ws-port",
        str(free_port()),
        "--shops-port",
        str(shops),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**cli_env(), "DISPLAY": "", "WAYLAND_DISPLAY": ""},
        start_new_session=True,  # its own process group, as `make demo` has in a terminal
    )
    assert proc.stdout is not None and proc.stderr is not None
    printed = ""
    while "Try it" not in printed:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line, printed + (await proc.stderr.read()).decode()
        printed += line.decode()
    assert f"http://127.0.0.1:{shops}/" in printed and f"http://127.0.0.1:{shops + 1}/" in printed
    assert "No display here" in printed
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(f"http://127.0.0.1:{shops + 1}/products/tide-vase")
        assert page.status_code == 200 and 'data-cartstart-product="tide-vase"' in page.text
        # The shop registered its catalogue, stock and origin through the store API.
        store_id = re.search(r'data-cartstart-store="([^"]+)"', page.text)
        assert store_id
        r = await http.get(
            f"http://127.0.0.1:{port}/api/page/availability",
            params={"p": f"{store_id.group(1)}:tide-vase"},
            headers={"Origin": f"http://localhost:{shops + 1}"},
        )
        assert r.status_code == 200 and r.json()["items"][0]["available"] == 1
        # Its agent signs in with the printed password, and its pages may offer Talk to us.
        hub = f"http://127.0.0.1:{port}"
        assert f"{hub}/console?store={store_id.group(1)}" in printed
        body = {"store_id": store_id.group(1), "email": "ana@cartstart.invalid"}
        r = await http.post(
            f"{hub}/api/agent-sessions", json={**body, "password": "cartstart-demo"}
        )
        assert r.status_code == 201 and r.json()["agent"]["name"] == "Ana"
        assert (await http.get(f"{hub}/api/page/talk/{store_id.group(1)}")).json()["enabled"]
        # The bookshop's wedding invitations are personalised: its agents read the form.
        page = await http.get(f"http://127.0.0.1:{shops}/products/wedding-invitations")
        books = re.search(r'data-cartstart-store="([^"]+)"', page.text)
        assert page.status_code == 200 and books
        body = {"store_id": books.group(1), "email": "ana@cartstart.invalid"}
        r = await http.post(
            f"{hub}/api/agent-sessions", json={**body, "password": "cartstart-demo"}
        )
        form = await http.get(
            f"{hub}/api/stores/{books.group(1)}/products/wedding-invitations/form",
            headers={"Authorization": f"Bearer {r.json()['token']}"},
        )
        assert form.status_code == 200, form.text
        assert [f["key"] for f in form.json()["form"]["fields"]] == [
            "wording", "names", "day", "paper", "guests"
        ]  # fmt: skip
    if stop.startswith("SIGTERM"):
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # the hub gets it too, as in a terminal
    assert await asyncio.wait_for(proc.wait(), 15) == 0
    errors = (await proc.stderr.read()).decode()
    assert "Traceback" not in errors, errors
    assert _gone(proc.pid), "the hub (or another child) outlived the demo"


@pytest.mark.slow
async def test_demo_says_so_and_fails_when_its_hub_dies_or_cannot_start(tmp_path: Path) -> None:
    port = free_port()
    args = ["--data-dir", str(tmp_path), "--port", str(port), "--ws-port", str(free_port())]
    env = {**cli_env(), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    proc = await asyncio.create_subprocess_exec(
        *DEMO,
        *args,
        "--shops-port",
        str(free_port_pair()),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    printed = ""
    while "Try it" not in printed:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line, printed + (await proc.stderr.read()).decode()
        printed += line.decode()
    # A second demo on the same hub port: one readable line, no traceback.
    second = await asyncio.to_thread(
        subprocess.run,
        [*DEMO, *args, "--data-dir", str(tmp_path / "other"), "--shops-port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        "cartstart-demo: the hub did not start: [Errno 98] Address already in use "
        "(another hub or demo running? --port and --ws-port choose others)"
    ], second.stderr
    pgrep = await asyncio.create_subprocess_exec(
        *["pgrep", "-g", str(proc.pid), "-f", "cartstart-server serve"],
        stdout=asyncio.subprocess.PIPE,
    )
    hub = (await pgrep.communicate())[0].split()
    assert len(hub) == 1, hub
    os.kill(int(hub[0]), signal.SIGKILL)
    assert await asyncio.wait_for(proc.wait(), 15) == 1
    errors = (await proc.stderr.read()).decode()
    assert "the hub was killed (signal 9); stopping the demo" in errors
    assert "Traceback" not in errors, errors
    assert _gone(proc.pid)


async def _start_demo(data_dir: Path, *extra: str) -> tuple[asyncio.subprocess.Process, str, int]:
    port = free_port()
    shops = free_port_pair(avoid=(port, port + 1))
    proc = await asyncio.create_subprocess_exec(
        *DEMO, "--data-dir", str(data_dir), "--port", str(port), "--ws-port", str(free_port()),
        "--shops-port", str(shops), *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**cli_env(), "DISPLAY": "", "WAYLAND_DISPLAY": ""}, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    printed = ""
    while "Try it" not in printed:
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert line, printed + (await proc.stderr.read()).decode()
        printed += line.decode()
    return proc, printed, port


async def _interrupt(proc: asyncio.subprocess.Process) -> tuple[float, str]:
    """Ctrl-C as a terminal sends it (to the whole group): how long the demo took, its stderr."""
    assert proc.stderr is not None
    started = asyncio.get_running_loop().time()
    os.killpg(proc.pid, signal.SIGINT)
    assert await asyncio.wait_for(proc.wait(), 15) == 0
    took = asyncio.get_running_loop().time() - started
    return took, (await proc.stderr.read()).decode()


@pytest.mark.slow
async def test_the_demo_keeps_its_keys_stops_at_once_with_polls_open_and_can_start_fresh(
    tmp_path: Path,
) -> None:
    data = tmp_path / "demo"
    proc, printed, port = await _start_demo(data)
    keys = re.findall(r"api key\s+(\S+)", printed)
    assert len(keys) == STORES  # the two shops and the marketplace's three firms
    home = re.search(r"CARTSTART_HOME=(\S+)", printed)
    assert home and Path(home.group(1)).is_absolute()  # works from any folder
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        session = await http.post(
            "/api/sessions", json={"email": "demo@cartstart.invalid", "password": "cartstart-demo"}
        )
        auth = {"Authorization": f"Bearer {session.json()['token']}"}
        head = (await http.get("/api/cart", headers=auth)).json()["head_seq"]
        poll = asyncio.ensure_future(
            http.get("/api/cart/events", params={"after": head, "wait": 25}, headers=auth)
        )
        await asyncio.sleep(0.5)  # the long-poll is open and waiting
        took, errors = await _interrupt(proc)
        answered = await asyncio.wait_for(poll, 5)
    assert took < 2.0, f"stopping took {took:.1f} s"
    assert "Traceback" not in errors and "ERROR" not in errors, errors
    assert answered.status_code == 200 and answered.json()["messages"] == []

    proc, printed, _ = await _start_demo(data)  # a rerun: the same keys
    assert re.findall(r"api key\s+(\S+)", printed) == keys
    await _interrupt(proc)
    proc, printed, _ = await _start_demo(data, "--fresh")  # from nothing: new stores, new keys
    fresh = re.findall(r"api key\s+(\S+)", printed)
    assert len(fresh) == STORES and set(fresh).isdisjoint(keys)
    await _interrupt(proc)
