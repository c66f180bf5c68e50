"""Empty states: a list with nothing in it says what it is for and what to do next, in place of
an empty grid. A QStackedWidget swaps the two in the same space, so nothing around them moves."""

from __future__ import annotations

from .qt import (
    QAbstractItemModel,
    QFont,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    def __init__(self, title: str, text: str, action: str = "") -> None:
        super().__init__()
        self.title = QLabel(title)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        # A fixed size: a wrapped label that a layout may squeeze loses its last lines.
        self.text.setFixedWidth(440)
        self.text.setFixedHeight(self.text.heightForWidth(440))
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(action) if action else None
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.text, self.button):
            if widget is not None:
                layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class Swap(QStackedWidget):
    """The content, or the empty state while the model has no rows."""

    def __init__(self, content: QWidget, empty: EmptyState, model: QAbstractItemModel) -> None:
        super().__init__()
        self.content = content
        self.empty = empty
        self._model = model
        self.addWidget(content)
        self.addWidget(empty)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.update_state)
        self.update_state()

    @property
    def showing_empty(self) -> bool:
        return self.currentWidget() is self.empty

    def update_state(self, *_: object) -> None:
        self.setCurrentWidget(self.content if self._model.rowCount() else self.empty)
