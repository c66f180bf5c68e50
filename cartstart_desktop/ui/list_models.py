"""Table models for the bookmarks and deliveries lists (plain rows, rebuilt on change: they are
short and change rarely)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from ..core.bookmarks import Bookmark
from ..core.orders import Delivery
from .qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


class RowsModel(QAbstractTableModel, Generic[T]):
    headers: tuple[str, ...] = ()

    def __init__(self, rows: Callable[[], Sequence[T]]) -> None:
        super().__init__()
        self._source = rows
        self._rows: list[T] = list(rows())

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list(self._source())
        self.endResetModel()

    def row(self, index: Index) -> T | None:
        return (
            self._rows[index.row()] if index.isValid() and index.row() < len(self._rows) else None
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        if role == ROW_ROLE:
            return row
        return None

    def cell(self, row: T, column: int) -> str:
        raise NotImplementedError


class BookmarksModel(RowsModel[Bookmark]):
    headers = ("Page", "Store", "Last picked", "Address")

    def cell(self, row: Bookmark, column: int) -> str:
        return (row.title, row.store_name, when(row.last_seen), row.url)[column]


class DeliveriesModel(RowsModel[Delivery]):
    headers = ("Order", "Store", "Status", "Items", "Total", "Updated")

    def cell(self, row: Delivery, column: int) -> str:
        items = ", ".join(f"{qty} × {name}" for name, qty in row.items)
        return (
            row.order_id,
            row.store_name,
            row.status,
            items,
            row.total,
            when(row.updated),
        )[column]
