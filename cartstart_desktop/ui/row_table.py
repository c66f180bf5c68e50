"""The table view shared by the short lists (bookmarks, deliveries): whole rows, read-only,
columns sized for people (one column takes the room left, long ones are capped and elided, so
the default window needs no horizontal scrollbar), and the selected row kept by its key when
the list is rebuilt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .list_models import RowsModel
from .qt import QAbstractItemView, QHeaderView, QItemSelectionModel, Qt, QTableView


def row_table(
    model: RowsModel[Any], *, stretch: int = 0, capped: Mapping[int, int] | None = None
) -> QTableView:
    """`stretch` takes the width left over; `capped` columns fit their content up to a width."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    limits = dict(capped or {})
    for column in limits:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def fit() -> None:
        for column, most in limits.items():
            wanted = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
            view.setColumnWidth(column, min(wanted, most))

    for signal in (model.modelReset, model.rowsInserted, model.dataChanged):
        signal.connect(fit)
    fit()
    keep_selection(view, model)
    return view


def keep_selection(view: QTableView, model: RowsModel[Any]) -> None:
    """Select the same row again (by its key) after the model resets."""
    kept: list[str] = []

    def remember() -> None:
        kept.clear()
        row = model.row(view.currentIndex())
        if row is not None:
            kept.append(model.key(row))

    def restore() -> None:
        if not kept:
            return
        number = model.row_of(kept.pop())
        if number >= 0:
            view.selectionModel().setCurrentIndex(
                model.index(number, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    model.modelAboutToBeReset.connect(remember)
    model.modelReset.connect(restore)
