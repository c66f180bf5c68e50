"""Running the core's coroutines for widgets. A widget never awaits: it hands the intent to the
runner, which runs it as a task and turns any failure into a sentence for the shopper."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from ..core.api import HubError, HubUnreachable
from ..core.connection import Offline

log = logging.getLogger(__name__)

Run = Callable[[Coroutine[Any, Any, Any]], asyncio.Task[Any]]
"""What widgets are given to start an intent with (IntentRunner.run)."""


def sentence(text: str) -> str:
    """An error message as the shopper reads it: starting with a capital."""
    return text[:1].upper() + text[1:]


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
        except HubError as exc:
            self._show_error(sentence(exc.message))
        except (Offline, HubUnreachable) as exc:
            self._show_error(f"Not connected: {exc}")
        except Exception:
            log.exception("action failed")
            self._show_error("Something went wrong; please try again.")
        return None
