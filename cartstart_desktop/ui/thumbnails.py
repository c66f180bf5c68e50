"""Product thumbnails in the cart: a delegate paints them, a small store decodes them.

The delegate never waits: it paints what the store has (a placeholder while a picture loads, or
when there is none) and the store asks the core for the file after the paint (`ImageCache`:
once per address, from the disk when it can). Decoding and scaling run in a worker thread; only
the finished QPixmap is made on the UI thread. Row heights are fixed, so nothing moves when a
picture arrives.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from ..core.images import RETRY_AFTER, ImageCache
from .qt import (
    QColor,
    QIcon,
    QImage,
    QImageReader,
    QModelIndex,
    QObject,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QPixmap,
    QPointF,
    QRectF,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

SIZE = 32  # logical pixels, square
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 2
"""The model's role for a product row's picture address ("" when the product has none; None
for rows that are not products)."""


def _decode(path: str, side: int) -> QImage:
    """Read and scale a picture to fit a side x side square (in a worker thread: QImage, unlike
    QPixmap, may be made off the UI thread)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return image
    if image.width() > side or image.height() > side:
        image = image.scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


def _placeholder(side: int, *, picture: bool) -> QPixmap:
    """A soft grey tile; with `picture`, a small landscape drawn on it (there is no picture)."""
    pixmap = QPixmap(side * 2, side * 2)  # drawn at 2x so it stays sharp on HiDPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(232, 232, 236))
    painter.drawRoundedRect(QRectF(1, 1, side - 2, side - 2), 5, 5)
    if picture:
        pen = QPen(QColor(150, 150, 160))
        pen.setWidthF(1.6)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        s = side / 32
        painter.drawEllipse(QRectF(19 * s, 8 * s, 5 * s, 5 * s))
        points = [(7, 23), (13, 15), (18, 20), (21, 17), (26, 23)]
        painter.drawPolyline([QPointF(x * s, y * s) for x, y in points])
    painter.end()
    return pixmap


class Thumbnails(QObject):
    """Pictures by address, scaled for a row. `icon()` answers at once; `changed` fires when
    pictures have arrived (batched), so the view repaints what it shows."""

    changed = Signal()

    def __init__(self, cache: ImageCache, side: int = SIZE) -> None:
        super().__init__()
        self._cache = cache
        self._side = side
        self.loading = QIcon(_placeholder(side, picture=False))
        self.no_picture = QIcon(_placeholder(side, picture=True))
        self._icons: dict[str, QIcon | None] = {}  # None: tried, and there is no picture
        self._missing_since: dict[str, float] = {}
        self._queued: list[str] = []
        self._asked: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._start = QTimer(self)
        self._start.setSingleShot(True)
        self._start.timeout.connect(self._load_queued)
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(50)
        self._announce.timeout.connect(self.changed.emit)

    def icon(self, url: str | None) -> QIcon:
        if not url:
            return self.no_picture
        if url in self._icons:
            icon = self._icons[url]
            if icon is not None:
                return icon
            if time.monotonic() - self._missing_since[url] < RETRY_AFTER:
                return self.no_picture
            del self._icons[url]  # the store's site may be back: ask again (quietly)
            self._asked.discard(url)
        if url not in self._asked:
            self._asked.add(url)
            self._queued.append(url)
            if not self._start.isActive():
                self._start.start(0)  # after this paint, never inside it
        return self.no_picture if url in self._missing_since else self.loading

    def state(self, url: str | None) -> str:
        """ "ready", "none" or "loading" (for tests and tools)."""
        if not url or (url in self._icons and self._icons[url] is None):
            return "none"
        return "ready" if url in self._icons else "loading"

    def forget(self) -> None:
        """Drop every picture held in memory (the cart was forgotten)."""
        self._icons.clear()
        self._missing_since.clear()
        self._asked.clear()
        self._queued.clear()

    def stop(self) -> None:
        self._start.stop()
        self._announce.stop()
        for task in self._tasks:
            task.cancel()

    def _load_queued(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop runs (a model painted on its own, in a test)
            self._queued.clear()
            return
        while self._queued:
            task = loop.create_task(self._load(self._queued.pop(0)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _load(self, url: str) -> None:
        icon: QIcon | None = None
        try:
            path = await self._cache.get(url)
            if path is not None:
                image = await asyncio.to_thread(_decode, str(path), self._side * 2)
                if not image.isNull():
                    pixmap = QPixmap.fromImage(image)
                    pixmap.setDevicePixelRatio(2.0)
                    icon = QIcon(pixmap)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not show the picture at %s", url)
        if url in self._asked:  # not forgotten meanwhile
            self._icons[url] = icon
            if icon is None:
                self._missing_since[url] = time.monotonic()
            if not self._announce.isActive():
                self._announce.start()


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints a row's picture left of its text, for the rows whose model gives IMAGE_ROLE."""

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self._side = thumbnails._side

    def icon_for(self, index: QModelIndex | QPersistentModelIndex) -> QIcon | None:
        url: Any = index.data(IMAGE_ROLE)
        return self.thumbnails.icon(url) if isinstance(url, str) else None

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        icon = self.icon_for(index)
        if icon is not None:
            option.icon = icon
            option.decorationSize = QSize(self._side, self._side)
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), self._side + 4))
