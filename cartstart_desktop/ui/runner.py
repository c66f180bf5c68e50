"""Running the core's coroutines for widgets. A widget never awaits: it hands the intent to the
runner, which runs it as a task and turns any failure into a sentence for the shopper
(core.words: the one table of messages)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

Run = Callable[[Coroutine[Any, Any, Any]], asyncio.Task[Any]]
"""What widgets are given to start an intent with (IntentRunner.run)."""


class IntentRunner:
    def __init__(self, show_error: Callable[[str], None]) -> None:
        self._show_error = show_error
        self._tasks: set[asyncio.Task[Any]] = set()  # kept referenced until done

    def run(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run an intent; a failure is shown to the shopper, never raised into Qt. Awaiting the
        task gives the intent's result, or None if it failed."""
        task = asyncio.ensure_future(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await work
        except Exception as exc:
            # The words table loads when there is something to say, not while the cart opens.
            from ..core.words import EXPECTED, explain

            if not isinstance(exc, EXPECTED):
                log.exception("action failed")
            self._show_error(explain(exc))
        return None
