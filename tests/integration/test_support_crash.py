"""A hub killed with SIGKILL in the middle of a support call charges it once: after the restart
the call, silent since its last tick, is ended and charged up to that tick, exactly once, and a
second crash and restart change nothing (SQLite, and PostgreSQL + Redis)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from cartstart_server.clock import FakeClock
from tests.helpers.hubs import running_hub, seed_store
from tests.helpers.process import HubProcess
from tests.helpers.waiting import eventually
from tests.integration.support_helpers import (
    attached_shopper,
    credit_of,
    grant,
    in_session,
    support_call,
    support_shop,
)
from tests.integration.test_desk import desk, set_status

pytestmark = pytest.mark.slow


async def test_a_sigkill_mid_call_then_a_restart_charges_the_call_once(
    tmp_path: Path, backend_settings: dict[str, Any]
) -> None:
    async with running_hub(tmp_path, FakeClock(), **backend_settings) as admin:
        store_id, key = await seed_store(admin, "Shop", {"credit": 1})
    settings = {k: str(v) for k, v in backend_settings.items()}
    # Ticks every second, orphaned after 3: the same rule as 15 and 30, in test time.
    proc = HubProcess(tmp_path, support_tick_seconds="1", support_orphan_seconds="3", **settings)
    await proc.start()
    try:
        http = httpx.AsyncClient(base_url=proc.http_url, timeout=10)
        shop = await support_shop(http, store_id, key)
        alice, link, session_id = await attached_shopper(http, store_id, "alice@example.org")
        assert (await grant(http, shop, alice, 6000)).status_code == 200  # 100 minutes
        async with desk(cast(Any, proc), shop.support) as (d, _snap):
            await set_status(d, "available")
            async with in_session(proc, link, session_id, shop.support) as (visitor, store):
                call_id, _plan = await support_call(visitor, store)
                # A real process on the real clock: let it record a couple of ticks (the
                # charge below is checked against the kill, not against this wait).
                await asyncio.sleep(2.5)
                proc.kill()
                await proc.wait()
        await http.aclose()
        await proc.start()
        http = httpx.AsyncClient(base_url=proc.http_url, timeout=10)

        async def charged() -> bool:
            entries = (await credit_of(http, store_id, alice))["credit"]["entries"]
            return any(e["kind"] == "call" for e in entries)

        await eventually(charged, within=20, what="the orphaned call is charged")
        mine = (await credit_of(http, store_id, alice))["credit"]
        calls = [e for e in mine["entries"] if e["kind"] == "call"]
        assert len(calls) == 1 and calls[0]["call_id"] == call_id
        used = calls[0]["delta"]["amount"]
        assert 1 <= used <= 30, used  # one cent a second, up to the last tick before the kill
        assert mine["balance"]["amount"] == 6000 - used
        proc.kill()  # and once more: nothing more is charged
        await proc.wait()
        await http.aclose()
        await proc.start()
        http = httpx.AsyncClient(base_url=proc.http_url, timeout=10)
        again = (await credit_of(http, store_id, alice))["credit"]
        assert [e["kind"] for e in again["entries"]] == ["call", "grant"]
        assert again["balance"]["amount"] == 6000 - used
        await http.aclose()
    finally:
        await proc.stop()
