"""Dialogs: logging in (or signing up), and pairing browsers."""

from __future__ import annotations

import time
from typing import Any

from ..core.settings import DEFAULT_HUB, Settings
from .qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


class LoginDialog(QDialog):
    """Hub address, email and password. The dialog only collects; the window does the work."""

    submitted = Signal(bool, str, str, str, str)  # create_account, hub, email, password, name

    def __init__(
        self, settings: Settings, message: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to CartStart")
        self.hub = QLineEdit(settings.hub_url or DEFAULT_HUB)
        self.email = QLineEdit(settings.email)
        self.email.setPlaceholderText("you@example.org")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.name = QLineEdit()
        self.name.setPlaceholderText("only when creating an account")
        form = QFormLayout()
        form.addRow("Hub address", self.hub)
        form.addRow("Email", self.email)
        form.addRow("Password", self.password)
        form.addRow("Your name", self.name)
        self.error = QLabel(message)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b02020")
        self.log_in_button = QPushButton("Log in")
        self.log_in_button.setDefault(True)
        self.sign_up_button = QPushButton("Create account")
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

    def _submit(self, create: bool) -> None:
        if not self.email.text().strip() or not self.password.text():
            self.show_error("Enter your email and password.")
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
            self.error.setText("Connecting…")

    def show_error(self, text: str) -> None:
        self.error.setText(text)


class PairingDialog(QDialog):
    """A short code for pairing another browser, and the browsers already paired."""

    refreshRequested = Signal()
    revokeRequested = Signal(str)  # token_id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pair a browser")
        intro = QLabel(
            "On a store page that shows CartStart, choose “Pair with my cart” and type this "
            "code. It works once, for ten minutes."
        )
        intro.setWordWrap(True)
        self.code = QLabel("…")
        font = QFont()
        font.setPointSize(28)
        font.setBold(True)
        font.setFamily("monospace")
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry = QLabel("")
        self.expiry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.browsers = QListWidget()
        self.revoke_button = QPushButton("Revoke selected")
        self.revoke_button.clicked.connect(self._revoke)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.expiry)
        layout.addWidget(QLabel("Browsers and pages linked to this cart:"))
        layout.addWidget(self.browsers)
        layout.addWidget(self.revoke_button)
        layout.addWidget(close)

    def show_code(self, code: str, expires_at: float) -> None:
        self.code.setText(code)
        self.expiry.setText("valid until " + time.strftime("%H:%M", time.localtime(expires_at)))

    def show_browsers(self, browsers: list[dict[str, Any]]) -> None:
        self.browsers.clear()
        for browser in browsers:
            until = time.strftime("%Y-%m-%d", time.localtime(browser["expires_at"]))
            entry = QListWidgetItem(f"{browser['label'] or 'Unnamed'} (until {until})")
            entry.setData(Qt.ItemDataRole.UserRole, browser["token_id"])
            self.browsers.addItem(entry)

    def _revoke(self) -> None:
        entry = self.browsers.currentItem()
        if entry is not None:
            self.revokeRequested.emit(entry.data(Qt.ItemDataRole.UserRole))
