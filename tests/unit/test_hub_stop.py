"""Hub.stop() ends every background task, whatever it is doing when the cancellation comes.

A background task that waits for "a deadline or a wake-up" tidies up its two waiters after one of
them fires; a cancellation that landed during that tidying used to be swallowed, the task went
round its loop again and slept, and `Hub.stop()` waited for it forever (a full test run hung in
the `hub` fixture's teardown). The window is a few event-loop iterations wide, so these tests
stop the hub at each of the first few iterations after the wake-up (both tasks lost it at 2 and 3).
Real SQLite files; the fake clock only decides when deadlines come.

Not `asyncio.wait_for(hub.stop(), ...)`: on its timeout it cancels stop(), and the old stop()
passed that cancellation on to the stuck task and then swallowed it, so wait_for returned as if
all was well. The check is that stop() has returned and every task has ended.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path
from typing import Any

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.hub import Hub
from cartstart_server.server import broker_for, database_for
from cartstart_server.storage import outbound_queue
from shared_protocol.cart import Checkout, Reserve
from tests.helpers.hubs import command_id, hub_config, new_shopper, seed_store

STOP_WITHIN = 5.0  # seconds: a cancelled task ends within a few loop iterations
MOMENTS = range(8)  # loop iterations between the wake-up and stop(): the window is about 2


async def until(check: Any, what: str, within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not in time")
        await asyncio.sleep(0.005)


async def started_hub(data_dir: Path, clock: FakeClock, **overrides: Any) -> Hub:
    config = hub_config(data_dir, **overrides)
    hub = Hub(database_for(config), broker_for(config), clock, config)
    await hub.start()
    return hub


async def stop_promptly(hub: Hub, moment: int) -> None:
    """`hub.stop()` must return, with every background task ended, within STOP_WITHIN."""
    tasks = list(hub.background_tasks)
    stopping = asyncio.ensure_future(hub.stop())
    await asyncio.wait({stopping}, timeout=STOP_WITHIN)
    stuck = [t.get_name() for t in tasks if not t.done()]
    if stopping.done() and not stuck:
        stopping.result()
        return
    # Clean up so the failure is reported rather than the run hanging: a second cancel ends a
    # task that lost the first one.
    for task in [*tasks, stopping]:
        task.cancel()
    await asyncio.wait([*tasks, stopping], timeout=STOP_WITHIN)
    await hub.broker.stop()
    await hub.db.close()
    pytest.fail(f"stop() {moment} loop iterations after the wake-up hung; still running: {stuck}")


@pytest.mark.parametrize("moment", MOMENTS)
async def test_stop_ends_the_expiry_scheduler_as_it_wakes(tmp_path: Path, moment: int) -> None:
    clock = FakeClock()
    hub = await started_hub(tmp_path, clock)
    store, _ = await seed_store(hub, "Shop", {"mug": 1}, ttl=100)
    alice = await new_shopper(hub, "alice@example.org")
    await hub.carts.command(
        alice, Reserve(id=command_id(), store_id=store, product_id="mug", qty=1)
    )

    async def armed() -> bool:
        armed_for = hub.scheduler.armed_for
        return armed_for is not None and armed_for > clock.now()

    await until(armed, "the scheduler sleeps until the ticket's next deadline")
    await asyncio.sleep(0.02)  # let it settle into its wait
    assert hub.scheduler.armed_for is not None
    clock.set(hub.scheduler.armed_for)  # the deadline comes: the scheduler wakes
    for _ in range(moment):
        await asyncio.sleep(0)
    await stop_promptly(hub, moment)


@pytest.mark.parametrize("moment", MOMENTS)
async def test_stop_ends_the_outbound_dispatcher_as_it_wakes(tmp_path: Path, moment: int) -> None:
    # A mail server that refuses connections: the order email waits for its retry.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    clock = FakeClock()
    hub = await started_hub(tmp_path, clock, smtp_host="127.0.0.1", smtp_port=closed_port)
    store, _ = await seed_store(hub, "Shop", {"mug": 1})
    alice = await new_shopper(hub, "alice@example.org")
    await hub.carts.command(
        alice, Reserve(id=command_id(), store_id=store, product_id="mug", qty=1)
    )
    await hub.carts.checkout(alice, Checkout(id=command_id()))

    async def retry_waits() -> bool:
        due = await hub.db.read(outbound_queue.next_attempt())
        return due is not None and due > clock.now()

    await until(retry_waits, "the refused email waits for its retry")
    await asyncio.sleep(0.02)  # let the dispatcher settle into its wait
    due = await hub.db.read(outbound_queue.next_attempt())
    assert due is not None
    clock.set(due)  # the retry is due: the dispatcher wakes
    for _ in range(moment):
        await asyncio.sleep(0)
    await stop_promptly(hub, moment)


async def test_stop_gives_up_on_a_task_that_ignores_cancellation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug of that kind is reported with the task's stack, and the hub still closes."""
    hub = await started_hub(tmp_path, FakeClock())
    release = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await release.wait()  # swallows the cancellation: the bug stop() must survive

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    hub._tasks.append(task)
    with caplog.at_level(logging.ERROR, logger="cartstart_server.hub"):
        await asyncio.wait_for(hub.stop(grace=0.2), STOP_WITHIN)
    assert not task.done()
    (record,) = [r for r in caplog.records if "did not end" in r.getMessage()]
    assert "stubborn" in record.getMessage() and "release.wait()" in record.getMessage()
    with pytest.raises(RuntimeError, match="not open"):
        await hub.db.read(outbound_queue.next_attempt())  # the database was closed
    release.set()
    await task
