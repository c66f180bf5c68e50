"""A tab whose content is built the first time it shows: what it needs (modules, models, the
hub's answers) loads then, not while the cart opens (docs/benchmarks.md, open-cart)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .qt import QVBoxLayout, QWidget

if TYPE_CHECKING:
    from .qt import QShowEvent


class LazyTab(QWidget):
    def __init__(self, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self._build = build
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> QWidget:
        if self.content is None:
            self.content = self._build()
            self._layout.addWidget(self.content)
            self.content.show()  # now, not when Qt gets round to it
        return self.content

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_built()
        super().showEvent(event)
