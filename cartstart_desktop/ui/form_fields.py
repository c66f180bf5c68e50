"""One editor per kind of field in a personalised item's form (core/draft_form.py says what fits):
a line for text, a box for long text, a list for a choice, a line for a number or a date, a
table for rows. Each says `edited` only when the shopper changed it; `set_value` (a value from
the hub) never does. Everything shown is the store's or the shopper's text, as text."""

from __future__ import annotations

import re
from typing import Any

from shared_protocol.forms import Cell, FieldSpec, FieldValue

from ..core.draft_form import TEXT_MAX
from ..core.lang import _
from .qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)

_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def number_value(text: str) -> Cell:
    """What was typed in a number field: a number, or the text itself (marked as wrong)."""
    text = text.strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        return text
    value = float(text.replace(",", "."))
    return int(value) if value == int(value) and "." not in text and "," not in text else value


def shown(value: FieldValue | Cell) -> str:
    if value is None or isinstance(value, list):
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


class FieldEditor(QWidget):
    edited = Signal()

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__()
        self.spec = spec
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> FieldValue:
        raise NotImplementedError

    def set_value(self, value: FieldValue) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class LineEditor(FieldEditor):
    """Short text, a number or a date: one line."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.line = QLineEdit()
        self.line.setAccessibleName(spec.label)
        if spec.kind == "text":
            self.line.setMaxLength(spec.max_length or TEXT_MAX["text"])
        elif spec.kind == "date":
            self.line.setPlaceholderText(_("YYYY-MM-DD"))
            self.line.setMaxLength(10)
        self.line.textEdited.connect(lambda _text: self.edited.emit())
        self.layout_.addWidget(self.line)
        self.setFocusProxy(self.line)

    def value(self) -> FieldValue:
        text = self.line.text()
        if self.spec.kind == "number":
            return number_value(text)
        return text if text.strip() else None

    def set_value(self, value: FieldValue) -> None:
        if self.line.text() != shown(value):
            self.line.setText(shown(value))


class TextBoxEditor(FieldEditor):
    """Long text: a box that grows no taller than a few lines (it scrolls beyond)."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.box = QPlainTextEdit()
        self.box.setAccessibleName(spec.label)
        self.box.setTabChangesFocus(True)  # Tab leaves the box, as in every other field
        self.box.setFixedHeight(self.box.fontMetrics().lineSpacing() * 5 + 12)
        self.box.textChanged.connect(self.edited.emit)
        self.layout_.addWidget(self.box)
        self.setFocusProxy(self.box)

    def value(self) -> FieldValue:
        text = self.box.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: FieldValue) -> None:
        if self.box.toPlainText() != shown(value):
            self.box.blockSignals(True)
            self.box.setPlainText(shown(value))
            self.box.blockSignals(False)


class ChoiceEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.combo = QComboBox()
        self.combo.setAccessibleName(spec.label)
        self.combo.addItem(_("Choose…"))
        self.combo.addItems(spec.options or [])
        self.combo.activated.connect(lambda _index: self.edited.emit())
        self.layout_.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def value(self) -> FieldValue:
        return self.combo.currentText() if self.combo.currentIndex() > 0 else None

    def set_value(self, value: FieldValue) -> None:
        options = self.spec.options or []
        self.combo.setCurrentIndex(options.index(value) + 1 if value in options else 0)


class _ChoiceCells(QStyledItemDelegate):
    """A list to pick from in a table's choice column."""

    def __init__(self, options: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        self._options = options

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:  # type: ignore[override]
        combo = QComboBox(parent)
        combo.addItems(["", *self._options])
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # type: ignore[override]
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data() or ""))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:  # type: ignore[override]
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())


class RowsEditor(FieldEditor):
    """A list of rows (a guest list): a table with the field's columns, Add row and Remove row."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__(spec)
        self.columns = spec.columns or []
        self.table = QTableWidget(0, len(self.columns))
        self.table.setAccessibleName(spec.label)
        self.table.setHorizontalHeaderLabels([c.label for c in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(True)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 5)
        for number, column in enumerate(self.columns):
            if column.kind == "choice":
                self.table.setItemDelegateForColumn(
                    number, _ChoiceCells(column.options or [], self.table)
                )
        self.table.itemChanged.connect(lambda _item: self.edited.emit())
        self.add_button = QPushButton(_("Add row"))
        self.remove_button = QPushButton(_("Remove row"))
        self.add_button.clicked.connect(self._add_row)
        self.remove_button.clicked.connect(self._remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.layout_.addWidget(self.table)
        self.layout_.addLayout(buttons)
        self.setFocusProxy(self.table)

    def _add_row(self) -> None:
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for number in range(len(self.columns)):
            self.table.setItem(row, number, QTableWidgetItem(""))
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.edited.emit()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def value(self) -> FieldValue:
        rows: list[dict[str, Cell]] = []
        for row in range(self.table.rowCount()):
            cells: dict[str, Cell] = {}
            for number, column in enumerate(self.columns):
                item = self.table.item(row, number)
                text = item.text() if item is not None else ""
                if column.kind == "number":
                    cells[column.key] = number_value(text)
                else:
                    cells[column.key] = text if text.strip() else None
            rows.append(cells)
        return rows or None

    def set_value(self, value: FieldValue) -> None:
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if editing or _filled(self.value()) == _filled(value):
            return  # the same rows (the hub leaves empty cells out): nothing moves
        rows = value if isinstance(value, list) else []
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for number, column in enumerate(self.columns):
                text = shown(cells.get(column.key)) if isinstance(cells, dict) else ""
                self.table.setItem(row, number, QTableWidgetItem(text))
        self.table.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.AllEditTriggers
        )
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)


def _filled(value: FieldValue) -> list[dict[str, Cell]]:
    """Rows with their empty cells left out, as the hub keeps them."""
    rows = value if isinstance(value, list) else []
    return [{k: v for k, v in row.items() if v is not None} for row in rows]


def editor_for(spec: FieldSpec) -> FieldEditor:
    if spec.kind == "long_text":
        return TextBoxEditor(spec)
    if spec.kind == "choice":
        return ChoiceEditor(spec)
    if spec.kind == "rows":
        return RowsEditor(spec)
    return LineEditor(spec)
