"""Rating a call, under the call in a live session's window (docs/shopper.md "Rating a call"):
five star buttons (Tab reaches them, the arrow keys move and choose, each named "4 stars" for
screen readers), an optional comment with a counter near its limit, and Send; for a support
call the connection's stars too. After sending, thanks with the stars given; a call rated
already says so instead of asking again. What it shows comes from core.call_rating.RatingWatch;
every label is plain text (a store's name may hold markup)."""

from __future__ import annotations

from collections.abc import Callable

from ..core.call_rating import RatingNotSent, count_text, stars_words
from ..core.lang import _
from ..core.live_desk import OpenSession
from .live_chat import bold_label, plain_label
from .qt import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .runner import Run

LIT = "#c27c0e"
UNLIT = "#9a978f"  # dark enough to see on the window's background (3:1)
ERROR = "#b02020"


class StarRow(QWidget):
    """Five checkable star buttons in an exclusive group, and the stars chosen in words."""

    def __init__(self, name: str, on_change: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for n in range(1, 6):
            button = QPushButton("★")
            button.setCheckable(True)
            button.setFlat(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setAccessibleName(stars_words(n))
            button.setToolTip(stars_words(n))
            button.setFixedSize(34, 34)
            self.group.addButton(button, n)
            self.buttons.append(button)
            layout.addWidget(button)
        self.chosen = plain_label()
        self.chosen.setStyleSheet("color: #4a4f56")
        self.chosen.setMinimumWidth(
            self.chosen.fontMetrics().horizontalAdvance(stars_words(5) + "  ")
        )
        layout.addSpacing(6)
        layout.addWidget(self.chosen)
        layout.addStretch(1)
        self.group.idToggled.connect(lambda _id, _on: self._draw())
        if on_change is not None:
            self.group.idToggled.connect(lambda _id, on: on and on_change())
        self._draw()

    def value(self) -> int:
        """The stars chosen, 0 for none."""
        return max(0, self.group.checkedId())

    def clear(self) -> None:
        self.group.setExclusive(False)  # an exclusive group never unchecks its last button
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)
        self._draw()

    def _draw(self) -> None:
        value = self.value()
        for n, button in enumerate(self.buttons, start=1):
            colour = LIT if n <= value else UNLIT
            button.setStyleSheet(
                f"QPushButton {{ color: {colour}; font-size: 22px; border: 0; border-radius: 6px }}"
                " QPushButton:focus { border: 2px solid #1a7f37 }"
            )
        self.chosen.setText(stars_words(value) if value else "")


class RatingPanel(QFrame):
    def __init__(self, opened: OpenSession, run: Run) -> None:
        super().__init__()
        self.opened = opened
        self.watch = opened.model.rating
        self._run = run
        self._call = ""  # the call the inputs were filled for
        self.sending = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Rate your call"))

        self.form = QWidget()
        self.legend = bold_label()
        self.lasted = plain_label()
        self.lasted.setStyleSheet("color: #4a4f56")
        self.stars = StarRow(_("Stars for the call"), self._chose)
        self.connection_label = plain_label(_("The connection (optional)"))
        self.connection = StarRow(_("Stars for the connection"))
        self.comment_label = plain_label(_("Comment (optional)"))
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName(_("Comment (optional)"))
        self.comment.setTabChangesFocus(True)  # Tab moves on to Send, as in a form
        lines = self.comment.fontMetrics().lineSpacing()
        self.comment.setFixedHeight(lines * 3 + 12)
        self.comment_label.setBuddy(self.comment)
        self.send = QPushButton(_("Send rating"))
        self.count = plain_label()
        self.count.setStyleSheet("color: #4a4f56")
        self.error = plain_label(wrap=True)
        self.error.setStyleSheet(f"color: {ERROR}")
        self.error.setAccessibleName(_("Rating problem"))
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(3)
        for widget in (
            self.legend,
            self.lasted,
            self.stars,
            self.connection_label,
            self.connection,
            self.comment_label,
            self.comment,
        ):
            form.addWidget(widget)
        # The counter and what went wrong, beside Send: the form keeps its height.
        row = QHBoxLayout()
        row.addWidget(self.send, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.count)
        row.addWidget(self.error, 1)
        form.addLayout(row)

        self.message = bold_label()
        self.message.setAccessibleName(_("Your rating"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.form)
        layout.addWidget(self.message)

        self.comment.textChanged.connect(self._counted)
        self.send.clicked.connect(self.submit)
        self.show_rating()

    # ---- core -> view -------------------------------------------------------------------------

    def show_rating(self, read_only: bool = False) -> None:
        model = self.opened.model
        view = self.watch.view(model.store_name, read_only)
        self.setVisible(view.mode != "hidden")
        offered = self.watch.offered
        if offered is not None and offered.call_id != self._call:
            self._reset(offered.call_id)  # a new call to rate: nothing chosen yet
        asking = view.mode == "ask"
        self.form.setVisible(asking)
        self.legend.setText(view.legend)
        self.lasted.setText(view.lasted)
        self.lasted.setVisible(bool(view.lasted))
        for widget in (self.connection_label, self.connection):
            widget.setVisible(view.support)
        self.message.setText(view.message)
        self.message.setVisible(bool(view.message))
        self.send.setEnabled(not self.sending)

    def _reset(self, call_id: str) -> None:
        self._call = call_id
        self.stars.clear()
        self.connection.clear()
        self.comment.clear()
        self.error.clear()
        self._counted()

    def _counted(self) -> None:
        text = count_text(len(self.comment.toPlainText().strip()))
        self.count.setText(text)
        self.count.setStyleSheet(f"color: {ERROR if 'too many' in text else '#4a4f56'}")

    def _chose(self) -> None:
        if self.error.text():
            self.error.clear()

    # ---- view -> core -------------------------------------------------------------------------

    def submit(self) -> None:
        if self.sending or self.watch.offered is None:
            return
        stars = self.stars.value()
        if not stars:
            self.error.setText(_("Choose from 1 to 5 stars first."))
            self.stars.buttons[0].setFocus()
            return
        self.error.clear()
        self.sending = True
        self.send.setEnabled(False)
        self._run(self._send(stars, self.comment.toPlainText(), self.connection.value()))

    async def _send(self, stars: int, comment: str, connection: int) -> None:
        try:
            await self.opened.rate(stars, comment, connection)
        except RatingNotSent as exc:
            self.error.setText(str(exc))
        finally:
            self.sending = False
            self.show_rating(self.opened.model.read_only)
