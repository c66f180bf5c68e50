"""The sign-in dialog: logging in, or creating an account. (Connecting a browser is
connect_dialog.py; the checkout review is review_dialog.py.)"""

from __future__ import annotations

from ..core.lang import _
from ..core.settings import DEFAULT_HUB, Settings
from .qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

EXAMPLE_ADDRESS = "https://hub.example.org:8740"
"""What the address field must show in full (a long address still fits, and scrolls)."""


class LoginDialog(QDialog):
    """Hub address, email and password. The dialog only collects; the window does the work."""

    submitted = Signal(bool, str, str, str, str)  # create_account, hub, email, password, name

    def __init__(
        self, settings: Settings, message: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign in to CartStart"))
        self.hub = QLineEdit(settings.hub_url or DEFAULT_HUB)
        self.hub.setCursorPosition(0)  # show the start of the address, not its end
        self.hub.setPlaceholderText("hub.example.org:8740")
        self.email = QLineEdit(settings.email)
        self.email.setPlaceholderText("you@example.org")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("only when creating an account"))
        form = QFormLayout()
        form.addRow(_("Hub address"), self.hub)
        form.addRow(_("Email"), self.email)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Your name"), self.name)
        self.error = QLabel(message)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # may quote what was typed
        self.error.setStyleSheet("color: #b02020")
        # Room for two lines of message, always: the dialog does not grow when one appears.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.log_in_button = QPushButton(_("Log in"))
        self.log_in_button.setDefault(True)
        self.sign_up_button = QPushButton(_("Create account"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_up_button)
        buttons.addWidget(self.log_in_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.log_in_button.clicked.connect(lambda: self._submit(False))
        self.sign_up_button.clicked.connect(lambda: self._submit(True))
        (self.password if settings.email else self.email).setFocus()
        # Wide enough for the fields' content: the address is read, not guessed at.
        fields = self.hub.fontMetrics().horizontalAdvance(EXAMPLE_ADDRESS) * 5 // 4 + 24
        for field in (self.hub, self.email, self.password, self.name):
            field.setMinimumWidth(fields)
        self.setMinimumWidth(420)
        self.adjustSize()

    def _submit(self, create: bool) -> None:
        if not self.email.text().strip() or not self.password.text():
            self.show_error(_("Enter your email and password."))
            return
        self.show_error("")
        self.submitted.emit(
            create, self.hub.text(), self.email.text(), self.password.text(), self.name.text()
        )

    def set_busy(self, busy: bool) -> None:
        for widget in (
            self.log_in_button,
            self.sign_up_button,
            self.hub,
            self.email,
            self.password,
        ):
            widget.setEnabled(not busy)
        if busy:
            self.error.setText(_("Connecting…"))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
