"""Attach a live session: the shopper pastes the session's link (or the live page's address
holding it) and the cart takes the session, its items included. The dialog checks what was
pasted at once, says what went wrong in words (core.words), and stays the same size whatever
it says."""

from __future__ import annotations

import logging

from ..core.lang import _
from ..core.live import find_link
from ..core.live_desk import LiveDesk
from ..core.words import EXPECTED, explain
from .qt import (
    QDialog,
    QFont,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import Run

log = logging.getLogger(__name__)
EXAMPLE = "https://hub.example.org/static/live.html?store=st1#session=csv.ls…"


class AttachDialog(QDialog):
    attached = Signal(str)  # the session's id

    def __init__(self, desk: LiveDesk, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._run = run
        self.setWindowTitle(_("Attach a live session"))
        title = QLabel(_("Attach a live session"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            _(
                "On the store's live page, choose “Copy link to come back later”, then paste the "
                "link here. The session's chat, the products the store shows you and what you "
                "set aside there come to this cart."
            )
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.link = QLineEdit()
        self.link.setPlaceholderText(_("Paste the session link (csv.…) or the page's address"))
        self.link.setAccessibleName(_("Session link"))
        label = QLabel(_("Session &link"))
        label.setBuddy(self.link)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b02020")
        # Room for two lines of message, always: the dialog does not grow when one appears.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.cancel_button = QPushButton(_("Cancel"))
        self.attach_button = QPushButton(_("Attach"))
        self.attach_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.attach_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.link)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.attach_button.clicked.connect(self.submit)
        self.link.textChanged.connect(lambda _: self.error.setText(""))
        width = self.link.fontMetrics().horizontalAdvance(EXAMPLE) + 40
        self.link.setMinimumWidth(width)
        intro.setFixedWidth(width)  # wrapped to the field's width, every line shown
        intro.setFixedHeight(intro.heightForWidth(width))
        self.setMinimumWidth(width + 24)
        self._paste_from_clipboard()
        self.link.setFocus()
        self.adjustSize()

    def _paste_from_clipboard(self) -> None:
        """A link just copied on the live page is filled in (only a link, nothing else)."""
        clipboard = QGuiApplication.clipboard()
        text = clipboard.text() if clipboard is not None else ""
        if find_link(text) is not None:
            self.link.setText(text.strip())
            self.link.selectAll()

    def submit(self) -> None:
        text = self.link.text()
        if not text.strip():
            self.show_error(_("Paste the session's link first."))
            return
        if find_link(text) is None:
            self.show_error(
                _(
                    "That is not a session link. On the store's live page, choose “Copy link "
                    "to come back later”, then paste it here."
                )
            )
            return
        self._run(self._attach(text))

    async def _attach(self, text: str) -> None:
        self.set_busy(True)
        try:
            entry = await self._desk.attach(text)
        except Exception as exc:
            if not isinstance(exc, EXPECTED):
                log.exception("attaching a live session failed")
            self.set_busy(False)
            self.show_error(explain(exc, "attach"))
            return
        self.attached.emit(entry.session_id)
        self.accept()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.link, self.attach_button):
            widget.setEnabled(not busy)
        self.error.setStyleSheet("color: #505050" if busy else "color: #b02020")
        if busy:
            self.error.setText(_("Attaching…"))

    def show_error(self, text: str) -> None:
        self.error.setStyleSheet("color: #b02020")
        self.error.setText(text)
