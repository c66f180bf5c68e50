"""Support calls in a live session's window (docs/shopper.md "Support calls and support
credit"), under the call: the shop's price and the shopper's credit with "Ask for support"; while
a support call runs, the credit left and its time, ticking; the one-minute warning; after it, the
report and "File a complaint…" (a dialog), and the complaints with the shop's answers. Shown only
when the session is attached to the shopper's cart at a store that offers support. Everything
comes from core.live_support.SupportWatch; every label is plain text (names may hold markup)."""

from __future__ import annotations

from collections.abc import Callable

from shared_protocol.support import MAX_COMPLAINT, ComplaintAbout

from ..core.api import HubError
from ..core.lang import _, number
from ..core.live_call import SessionCall
from .live_chat import plain_label
from .qt import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from .runner import Run


class ComplaintDialog(QDialog):
    """About the answers or the support, and what went wrong (1 to 2,000 characters)."""

    def __init__(self, store: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Complain about this support call"))
        intro = plain_label(
            _("Tell {store} what went wrong. They answer in this window.", store=store), wrap=True
        )
        self.answers = QRadioButton(_("The answers I got"))
        self.support = QRadioButton(_("The support itself"))
        self.answers.setChecked(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_("What went wrong"))
        self.text.setPlaceholderText(_("What went wrong"))
        self.error = plain_label()
        self.error.setStyleSheet("color: #b02020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.send = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send.setText(_("Send complaint"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(self.answers)
        row.addWidget(self.support)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(plain_label(_("What went wrong")))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 300)

    @property
    def about(self) -> ComplaintAbout:
        return "support" if self.support.isChecked() else "answers"

    def written(self) -> str:
        return self.text.toPlainText().strip()

    def _check(self) -> None:
        text = self.written()
        if not text:
            self.error.setText(_("Write what went wrong first."))
            self.text.setFocus()
        elif len(text) > MAX_COMPLAINT:
            self.error.setText(
                _(
                    "That is {length} characters: at most {most}.",
                    length=number(len(text)),
                    most=number(MAX_COMPLAINT),
                )
            )
        else:
            self.accept()


class SupportPanel(QFrame):
    def __init__(
        self,
        call: SessionCall,
        run: Run,
        clock: Callable[[], float],
        complaint_dialog: Callable[[str], ComplaintDialog] | None = None,
    ) -> None:
        super().__init__()
        self.call = call
        self.watch = call.model.support
        self._run = run
        self._clock = clock
        self._dialog = complaint_dialog or (lambda store: ComplaintDialog(store, self))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.offer = plain_label(wrap=True)
        self.ask = QPushButton(_("Ask for support"))
        self.error = plain_label(wrap=True)
        self.error.setStyleSheet("color: #b02020")
        self.error.hide()
        self.credit = plain_label()
        self.credit.setAccessibleName(_("Support credit"))
        self.credit.setStyleSheet("font-weight: bold; font-size: 14pt")
        self.warning = plain_label(wrap=True)
        self.warning.setStyleSheet(
            "background: #fff4e5; border: 1px solid #c27c0e; color: #6b3f00;"
            " font-weight: bold; padding: 4px"
        )
        self.report = plain_label(wrap=True)
        self.report.setAccessibleName(_("Support call report"))
        self.complain = QPushButton(_("File a complaint…"))
        self.complaints = plain_label(wrap=True)
        self.complaints.setAccessibleName(_("Your complaints"))
        top = QHBoxLayout()
        top.addWidget(self.offer, 1)
        top.addWidget(self.ask)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        for widget in (self.error, self.credit, self.warning, self.report):
            layout.addWidget(widget)
        under = QHBoxLayout()
        under.addWidget(self.complain)
        under.addStretch(1)
        layout.addLayout(under)
        layout.addWidget(self.complaints)
        self.ask.clicked.connect(lambda: self._run(self._ask()))
        self.complain.clicked.connect(self.file_complaint)
        self.show_support()

    def _store(self) -> str:
        return self.call.model.store_name or _("The store")

    async def _ask(self) -> None:
        self.error.hide()
        try:
            await self.call.ask(support=True)
        except HubError as e:
            self.error.setText(_sentence(e.message))
            self.error.show()

    def file_complaint(self) -> None:
        report = self.watch.report
        if report is None:
            return
        dialog = self._dialog(self._store())
        dialog.accepted.connect(
            lambda: self._run(self._send(report.call_id, dialog.about, dialog.written()))
        )
        dialog.open()

    async def _send(self, call_id: str, about: ComplaintAbout, text: str) -> None:
        try:
            await self.call.complain(call_id, about, text)
        except HubError as e:
            self.error.setText(_sentence(e.message))
            self.error.show()

    def show_support(self, read_only: bool = False) -> None:
        watch = self.watch
        self.setVisible(watch.offered)
        if not watch.offered:
            return
        store = self._store()
        running = watch.plan is not None
        self.offer.setText(watch.offer_text(store))
        self.ask.setVisible(not running and self.call.watch.current is None and not read_only)
        self.ask.setEnabled(not self.call.busy)
        text = watch.warning_text()
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        report = watch.report_text()
        self.report.setText(report)
        self.report.setVisible(bool(report))
        self.complain.setVisible(bool(report) and not read_only)
        lines = watch.complaint_lines(store)
        self.complaints.setText("\n\n".join(lines))
        self.complaints.setVisible(bool(lines))
        self.tick()

    def tick(self) -> None:
        text = self.watch.credit_text(self._clock())
        self.credit.setText(text)
        self.credit.setVisible(bool(text))


def _sentence(message: str) -> str:
    text = message.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
