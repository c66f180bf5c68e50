"""The Marketplace tab's models: a page of results, a solution's lines (each with a check box
and, once tried, what holding it did) and the category tree with its counts.

Names and codes come from stores: item views paint them as plain text, never as rich text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core.lang import _
from ..core.market import Node, Result
from ..core.market_desk import Held
from ..core.market_solution import Line
from .list_models import Index, RowsModel
from .qt import QModelIndex, QStandardItem, QStandardItemModel, Qt
from .texts import text_tip
from .thumbnails import IMAGE_ROLE

NAME, CODE, STORE, SHOWN, PRICE, STOCK = range(6)
NODE_ROLE = Qt.ItemDataRole.UserRole + 3
"""The tree model's role for a node's ids from the root (a list), or [] for "everything"."""


class ResultsModel(RowsModel[Result]):
    right_aligned = frozenset({SHOWN, PRICE})

    def __init__(self, rows: Callable[[], Sequence[Result]]) -> None:
        self.headers = (
            _("Product"),
            _("Code"),
            _("Store"),
            _("Price"),
            _("Store's price"),
            _("In stock"),
        )
        super().__init__(rows)

    def key(self, row: Result) -> str:
        return f"{row.store_id}/{row.product_id}"

    def cell(self, row: Result, column: int) -> Any:
        return (
            row.name,
            row.code,
            row.store_name,
            row.shown_text,
            row.price,
            _("Yes") if row.in_stock else _("No"),
        )[column]

    def tooltip(self, row: Result, column: int) -> str | None:
        if column == SHOWN and row.approximate:
            return _(
                "Converted at the hub's exchange rate: approximate. You pay the store's price."
            )
        if column == NAME and row.path:
            return text_tip(" → ".join(row.path))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == IMAGE_ROLE and index.column() == NAME:
            row = self.row(index)
            return None if row is None else row.image_url
        return super().data(index, role)


LINE_NAME, LINE_STORE, LINE_QTY, LINE_PRICE, LINE_RESULT = range(5)


class LinesModel(RowsModel[Line]):
    """A solution's lines; every available line is checked at first."""

    right_aligned = frozenset({LINE_QTY, LINE_PRICE})

    def __init__(self, rows: Callable[[], Sequence[Line]]) -> None:
        self.headers = (_("Product"), _("Store"), _("Quantity"), _("Price"), _("Result"))
        self.chosen: set[str] = set()
        self.outcomes: dict[str, Held] = {}
        super().__init__(rows)
        self.chosen = {line.line_id for line in self._rows if line.available}

    def key(self, row: Line) -> str:
        return row.line_id

    def refresh(self) -> None:
        super().refresh()
        self.chosen = {line.line_id for line in self._rows if line.available}
        self.outcomes = {}

    def cell(self, row: Line, column: int) -> Any:
        if column == LINE_RESULT:
            outcome = self.outcomes.get(row.line_id)
            if outcome is not None:
                return outcome.text
            return "" if row.available else _("No longer available.")
        return (row.name, row.store_name, row.qty, row.shown)[column]

    def tooltip(self, row: Line, column: int) -> str | None:
        return text_tip(row.note) if column == LINE_NAME and row.note else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is not None and index.column() == LINE_NAME:
            if role == Qt.ItemDataRole.CheckStateRole:
                checked = row.line_id in self.chosen
                return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            if role == IMAGE_ROLE:
                return row.image_url
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row(index)
        if row is not None and index.column() == LINE_NAME and row.available:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row(index)
        if row is None or role != Qt.ItemDataRole.CheckStateRole or not row.available:
            return False
        self.set_chosen(row.line_id, _checked(value))
        return True

    def set_chosen(self, line_id: str, chosen: bool) -> None:
        (self.chosen.add if chosen else self.chosen.discard)(line_id)
        number = self.row_of(line_id)
        if number >= 0:
            self.dataChanged.emit(self.index(number, 0), self.index(number, LINE_RESULT))

    def chosen_lines(self) -> list[Line]:
        return [line for line in self._rows if line.line_id in self.chosen]

    def show_outcome(self, line: Line, outcome: Held) -> None:
        self.outcomes[line.line_id] = outcome
        number = self.row_of(line.line_id)
        if number >= 0:
            self.dataChanged.emit(self.index(number, 0), self.index(number, LINE_RESULT))


def _checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


def node_index(model: QStandardItemModel, node_id: str) -> QModelIndex | None:
    """Where a node of the tree is in the model (None when it is not there)."""
    todo = [model.index(row, 0) for row in range(model.rowCount())]
    while todo:
        index = todo.pop()
        ids: Any = index.data(NODE_ROLE)
        if ids and ids[-1] == node_id:
            return index
        todo += [model.index(row, 0, index) for row in range(model.rowCount(index))]
    return None


def tree_model(nodes: Sequence[Node]) -> QStandardItemModel:
    """The tree with a first row for everything; each node reads "Name (count)"."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels([_("Categories")])
    everything = QStandardItem(_("All categories"))
    everything.setData([], NODE_ROLE)
    everything.setEditable(False)
    model.appendRow(everything)

    def add(parent: QStandardItem | QStandardItemModel, node: Node, path: list[str]) -> None:
        ids = [*path, node.id]
        item = QStandardItem(f"{node.name} ({node.count})")
        item.setData(ids, NODE_ROLE)
        item.setEditable(False)
        item.setToolTip(_.n("{n} product", "{n} products", node.count))
        parent.appendRow(item)
        for child in node.children:
            add(item, child, ids)

    for node in nodes:
        add(model, node, [])
    return model
