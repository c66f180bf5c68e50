"""Table models for the bookmarks and deliveries lists: plain rows with a key each (short lists
that change rarely). A refresh that keeps the same rows in the same order only repaints them, so
the view keeps its selection; a refresh that changes the rows resets, and the view picks the
selected row again by its key (row_table.keep_selection)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from ..core.bookmarks import Bookmark
from ..core.lang import N_, _
from ..core.orders import Delivery, when
from .qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel, Generic[T]):
    headers: tuple[str, ...] = ()
    right_aligned: frozenset[int] = frozenset()

    def __init__(self, rows: Callable[[], Sequence[T]]) -> None:
        super().__init__()
        self._source = rows
        self._rows: list[T] = list(rows())

    def key(self, row: T) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        rows = list(self._source())
        if [self.key(r) for r in rows] == [self.key(r) for r in self._rows]:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, len(self.headers) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, index: Index) -> T | None:
        return (
            self._rows[index.row()] if index.isValid() and index.row() < len(self._rows) else None
        )

    def row_of(self, key: str) -> int:
        for number, row in enumerate(self._rows):
            if self.key(row) == key:
                return number
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.headers[section])  # marked with N_ where they are listed
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right_aligned:
            return _RIGHT
        if role == ROW_ROLE:
            return row
        return None

    def cell(self, row: T, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: T, column: int) -> str | None:
        return None


class BookmarksModel(RowsModel[Bookmark]):
    PAGE, STORE, LAST_PICKED, ADDRESS = range(4)
    headers = (N_("Page"), N_("Store"), N_("Last picked"), N_("Address"))

    def key(self, row: Bookmark) -> str:
        return row.url

    def cell(self, row: Bookmark, column: int) -> str:
        return (row.title, row.store_name, when(row.last_seen), row.url)[column]

    def tooltip(self, row: Bookmark, column: int) -> str | None:
        return row.url if column == self.ADDRESS else None


class DeliveriesModel(RowsModel[Delivery]):
    """One row per order: a short reference, the store, when it was placed, what it holds, its
    total and its status (the whole order id is in the reference's tooltip and the details)."""

    ORDER, STORE, PLACED, ITEMS, TOTAL, STATUS = range(6)
    headers = (N_("Order"), N_("Store"), N_("Placed"), N_("Items"), N_("Total"), N_("Status"))
    right_aligned = frozenset({TOTAL})

    def key(self, row: Delivery) -> str:
        return row.order_id

    def cell(self, row: Delivery, column: int) -> str:
        return (
            row.reference,
            row.store_name,
            when(row.placed),
            row.items_text(),
            row.total,
            row.status_label,
        )[column]

    def tooltip(self, row: Delivery, column: int) -> str | None:
        if column == self.ORDER:
            return _("Order {id}", id=row.order_id)
        if column == self.ITEMS:
            return "\n".join(f"{qty} × {name}" for name, qty in row.items)
        return None
