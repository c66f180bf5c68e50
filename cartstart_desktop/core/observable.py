"""A minimal signal for the core: the UI subscribes, the core emits (no Qt needed)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Signal(Generic[T]):
    def __init__(self) -> None:
        self._slots: list[Callable[[T], None]] = []

    def connect(self, slot: Callable[[T], None]) -> None:
        self._slots.append(slot)

    def disconnect(self, slot: Callable[[T], None]) -> None:
        self._slots.remove(slot)

    def emit(self, value: T) -> None:
        for slot in tuple(self._slots):
            try:
                slot(value)
            except Exception:  # a faulty view must not break the cart
                log.exception("signal handler failed")


class Subscriptions:
    """Slots connected together, to be disconnected together (a view that closes before the
    core it watches)."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def connect(self, signal: Signal[T], slot: Callable[[T], None]) -> None:
        signal.connect(slot)
        self._undo.append(lambda: signal.disconnect(slot))

    def disconnect_all(self) -> None:
        while self._undo:
            self._undo.pop()()
