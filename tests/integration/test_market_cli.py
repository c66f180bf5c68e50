"""`cartstart-server admin ...` and `market ...` as the hub admin uses them, beside a running hub:
a token that works and is refused at once when revoked, the tree imported from the demo's file
and exported back, rates set for a day."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.helpers.process import CLI, HubProcess, cli_env
from tests.helpers.waiting import eventually

DEMO_TREE = Path(__file__).parents[2] / "cartstart_demo_store" / "market_tree.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=cli_env(), timeout=60)


@pytest.mark.slow
async def test_admin_and_market_commands_beside_a_running_hub(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    made = run("admin", "token", "--days", "7", "--label", "tests", *data)
    assert made.returncode == 0, made.stderr
    token = re.search(r"token:\s+(csh\.\S+)", made.stdout)
    token_id = re.search(r"token id:\s+(\S+)", made.stdout)
    assert token and token_id
    auth = {"Authorization": f"Bearer {token.group(1)}"}
    hub = await HubProcess(tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=hub.http_url, timeout=10) as http:
            assert (await http.get("/api/admin/market/tree", headers=auth)).json() == {
                "version": 1, "nodes": [],
            }  # fmt: skip
            imported = run("market", "tree-import", str(DEMO_TREE), *data)
            assert imported.returncode == 0 and "54 nodes" in imported.stdout, imported.stderr

            async def tree_served() -> bool:
                nodes = (await http.get("/api/market/tree", params={"lang": "sr"})).json()["nodes"]
                return [n["name"] for n in nodes] == ["Elektro", "Vodovod i grejanje", "IT i mreže"]

            await eventually(tree_served, within=1.0, what="the running hub serves the new tree")
            out = tmp_path / "export.json"
            assert run("market", "tree-export", str(out), *data).returncode == 0
            assert json.loads(out.read_text()) == json.loads(DEMO_TREE.read_text())
            rates = run("market", "rates-set", "--base", "EUR", "--date", "2026-11-30",
                        "RSD=117.17", "USD=1.05", *data)  # fmt: skip
            assert rates.returncode == 0 and "1 EUR = 117.17 RSD" in rates.stdout

            async def currencies() -> bool:
                body = (await http.get("/api/market/currencies")).json()
                return bool(body["currencies"] == ["EUR", "RSD", "USD"])

            await eventually(currencies, within=1.0, what="the running hub has the rates")
            assert "2026-11-30\tEUR\tRSD=117.17 USD=1.05" in run("market", "rates", *data).stdout
            bad = run("market", "rates-set", "RSD", *data)
            assert bad.returncode != 0 and "CODE=RATE" in bad.stderr
            assert run("admin", "revoke", token_id.group(1), *data).returncode == 0
            assert (await http.get("/api/admin/market/tree", headers=auth)).status_code == 401
            again = run("admin", "revoke", token_id.group(1), *data)
            assert again.returncode == 1 and "no active admin token" in again.stderr
    finally:
        await hub.stop()
