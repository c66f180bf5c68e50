"""One live session in its own window: the call above the chat (live_call.py), its rating once
it ended (live_rating.py), the chat on the left (Enter sends; "typing…", here or away under it),
the counter and the session cart on the right. It renders the session's state
(core.live_session) and hands what the shopper does to the core (core.live_desk.OpenSession).

What the chat shows is marked read (the store sees it), while the window is shown. Everything a
store or anyone typed is plain text.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING

from shared_protocol.live import Presented

from ..core.connection import STATUS_WORDS, Status
from ..core.lang import _
from ..core.live_desk import OpenSession
from ..core.live_session import MAX_TYPED, CartRow, Part
from ..core.session import CartSession
from .call_settings import CallSettingsDialog
from .live_call import CallPanel
from .live_chat import ChatView, plain_label
from .live_panels import CartItemRow, KeyedList, ProductRow
from .live_rating import RatingPanel
from .live_support import SupportPanel
from .qt import (
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .runner import IntentRunner
from .thumbnails import Thumbnails

if TYPE_CHECKING:
    from .qt import QCloseEvent, QShowEvent

STATUS_COLOURS = {Status.WEBSOCKET: "#1a7f37", Status.POLLING: "#9a6700"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MARK_AFTER_MS = 300  # read marks wait for the view to settle
TICK_MS = 1000  # countdowns, "typing…" running out


def _heading(text: str) -> QLabel:
    label = plain_label(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class LiveWindow(QWidget):
    closed = Signal()

    def __init__(self, opened: OpenSession, session: CartSession, label: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.opened = opened
        self.model = opened.model
        self._session = session
        # What fails here is said here, under the chat (the cart's window may be behind).
        self._run = IntentRunner(self.show_error).run
        self.resize(980, 640)
        self.setMinimumSize(760, 480)

        # Header: the store, how it knows the shopper, the connection.
        self.accent = QFrame()
        self.accent.setFixedWidth(6)
        self.store = plain_label()
        font = QFont(self.store.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.store.setFont(font)
        self.label = plain_label()
        self.label.setStyleSheet("color: #4a4f56")
        self.status = plain_label()
        header_text = QVBoxLayout()
        header_text.setSpacing(0)
        header_text.addWidget(self.store)
        header_text.addWidget(self.label)
        header = QHBoxLayout()
        header.addWidget(self.accent)
        header.addLayout(header_text, 1)
        header.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)

        # The chat.
        self.chat = ChatView()
        self.presence = plain_label()
        self.presence.setFixedHeight(self.presence.fontMetrics().height() + 6)
        self.presence.setStyleSheet("color: #4a4f56; font-style: italic")
        self.input = QLineEdit()
        self.input.setPlaceholderText(_("Write to the store, then press Enter"))
        self.input.setMaxLength(MAX_TYPED)
        self.input.setAccessibleName(_("Message to the store"))
        self.send_button = QPushButton(_("Send"))
        typing = QHBoxLayout()
        typing.addWidget(self.input, 1)
        typing.addWidget(self.send_button)
        self.error = plain_label()
        self.error.setStyleSheet("color: #b02020")
        self.error.setFixedHeight(self.error.fontMetrics().height() + 4)
        chat_side = QWidget()
        chat_layout = QVBoxLayout(chat_side)
        chat_layout.setContentsMargins(0, 0, 6, 0)
        self.call = CallPanel(opened.call, self._run, session.clock)
        self.call.settings.clicked.connect(self.call_settings)
        chat_layout.addWidget(self.call)
        self.rating = RatingPanel(opened, self._run)  # under the call it rates
        chat_layout.addWidget(self.rating)
        self.support = SupportPanel(opened.call, self._run, session.clock)
        chat_layout.addWidget(self.support)
        self._chat_layout = chat_layout
        chat_layout.addWidget(self.chat, 1)
        chat_layout.addWidget(self.presence)
        chat_layout.addLayout(typing)
        chat_layout.addWidget(self.error)

        # The counter and the session cart.
        self.thumbnails = Thumbnails(session.images, side=44)
        self.counter: KeyedList[Presented] = KeyedList(
            _("Nothing presented yet. When the store shows you a product, it appears here."),
            lambda _: ProductRow(self._take, self.thumbnails),
        )
        self.cart: KeyedList[CartRow] = KeyedList(
            _("Nothing set aside yet: choose Add to session cart at the counter."),
            lambda _: CartItemRow(self._put_back, session.clock),
        )
        self.cart_total = plain_label()
        self.cart_total.setStyleSheet("color: #4a4f56")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(_heading(_("At the counter")))
        side_layout.addWidget(self.counter, 3)
        side_layout.addSpacing(8)
        side_layout.addWidget(_heading(_("Your session cart")))
        side_layout.addWidget(self.cart_total)
        side_layout.addWidget(self.cart, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(chat_side)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 400])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        self._mark = QTimer(self)
        self._mark.setSingleShot(True)
        self._mark.setInterval(MARK_AFTER_MS)
        self._mark.timeout.connect(self._mark_shown)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.input.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.input.textEdited.connect(lambda _: self._run(self.opened.typing()))
        self.input.textChanged.connect(lambda _: self.error.setText(""))
        self.chat.scrolled.connect(self._mark.start)
        self.thumbnails.changed.connect(self._pictures_arrived)
        self.model.changed.connect(self._on_changed)
        self.set_label(label)
        self._render(
            frozenset(
                {
                    "chat",
                    "read",
                    "counter",
                    "cart",
                    "presence",
                    "status",
                    "call",
                    "support",
                    "rating",
                }
            )
        )
        self.input.setFocus()

    # ---- core -> view -------------------------------------------------------------------------

    def set_label(self, label: str) -> None:
        self._label_text = label
        self._render_header()

    def _on_changed(self, parts: frozenset[Part]) -> None:
        self._render(parts)

    def _render(self, parts: frozenset[Part]) -> None:
        model = self.model
        self._render_header()
        if parts & {"chat", "read"}:
            self.chat.show_rows(model.chat(), model.last_seen_seq())
            self._mark.start()
        if "counter" in parts:
            self.counter.show_items([(p.product.product_id, p) for p in model.counter])
        if "cart" in parts:
            rows = model.cart()
            self.cart.show_items([(r.ticket.ticket_id, r) for r in rows])
            held = sum(1 for r in rows if r.held)
            self.cart_total.setText(
                _("{n} held for you, in your Cart too: check out there", n=held)
                if held
                else _("Held for you while you decide, and in your Cart too.")
            )
        if parts & {"call", "deleted"}:
            self.call.show_call(model.read_only)
            # The video takes two thirds of the height while a call runs; the bar, one line.
            self._chat_layout.setStretchFactor(self.call, 2 if model.call.active else 0)
        if parts & {"call", "deleted", "support"}:
            self.support.show_support(model.read_only)
        if parts & {"rating", "deleted"}:
            self.rating.show_rating(model.read_only)
        if parts & {"presence", "typing", "deleted", "status"}:
            self.presence.setText(model.presence_text(self._session.clock()))
        if "deleted" in parts or model.read_only:
            for widget in (self.input, self.send_button):
                widget.setEnabled(False)
            self.input.setPlaceholderText(_("This session was deleted: it can no longer be used."))
            self.counter.set_enabled(False)
            self.cart.set_enabled(False)

    def _render_header(self) -> None:
        model = self.model
        name = model.store_name or _("Live session")
        self.setWindowTitle(_("{store} — live session", store=name))
        self.store.setText(name)
        self.label.setText(
            _("Live session · the store knows you as {label}", label=self._label_text)
            if self._label_text and self._label_text != "—"
            else _("Live session")
        )
        accent = model.style.accent if _COLOUR.match(model.style.accent) else "#1a7f37"
        self.accent.setStyleSheet(f"background: {accent}; border-radius: 3px")
        status = model.status
        text = _("deleted") if model.deleted else _(STATUS_WORDS.get(status, status.value))
        self.status.setText(f"● {text}")
        colour = STATUS_COLOURS.get(status, "#b02020") if not model.deleted else "#6a6f76"
        self.status.setStyleSheet(f"color: {colour}")

    def _on_tick(self) -> None:
        self.presence.setText(self.model.presence_text(self._session.clock()))
        self.call.tick()
        self.support.tick()
        for row in self.cart.rows.values():
            if isinstance(row, CartItemRow):
                row.tick()

    def _pictures_arrived(self) -> None:
        for row in self.counter.rows.values():
            if isinstance(row, ProductRow):
                row.show_picture()

    # ---- read marks -----------------------------------------------------------------------------

    def _mark_shown(self) -> None:
        if not self.isVisible() or self.isMinimized() or self.model.read_only:
            return
        shown = self.chat.shown_up_to()
        if shown:
            self._run(self.opened.shown(shown))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._mark.start()

    # ---- view -> core -------------------------------------------------------------------------

    def send(self) -> None:
        text = self.input.text()
        if not text.strip() or self.model.read_only:
            return
        self.input.clear()
        self._run(self._send(text))

    async def _send(self, text: str) -> None:
        from ..core.words import EXPECTED, explain

        try:
            await self.opened.say(text)
        except EXPECTED as exc:
            if not self.input.text():
                self.input.setText(text)  # not lost: send it again when you can
            self.show_error(explain(exc, "say"))

    def _take(self, product_id: str) -> None:
        self._run(self.opened.take(product_id))

    def _put_back(self, ticket_id: str) -> None:
        self._run(self.opened.put_back(ticket_id))

    def call_settings(self) -> CallSettingsDialog:
        dialog = CallSettingsDialog(self._session.settings, self._session.directory, self)
        dialog.open()
        return dialog

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setToolTip(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        self._mark.stop()
        self.thumbnails.stop()
        self.call.detach()
        with contextlib.suppress(ValueError):  # closed once already
            self.model.changed.disconnect(self._on_changed)
        super().closeEvent(event)
        self.closed.emit()
