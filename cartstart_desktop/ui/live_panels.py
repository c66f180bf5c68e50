"""The two lists beside a live session's chat: the counter (the products the store presented,
each with its picture, price and "Add to session cart") and the session cart (what is set aside
in this session, its state, and "Put back"). Rows are kept by key and updated in place, so a
change never rebuilds the list under the pointer or takes the keyboard focus away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from shared_protocol.live import Presented

from ..core.lang import _
from ..core.live_session import CartRow, price_text
from ..core.money import format_money
from .live_chat import bold_label, breakable, plain_label, plain_tooltip
from .qt import (
    QFrame,
    QGridLayout,
    QIcon,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .thumbnails import Thumbnails

T = TypeVar("T")
PICTURE = 44


class Row(QFrame, Generic[T]):
    def show_data(self, data: T) -> None:
        raise NotImplementedError

    def set_enabled(self, enabled: bool) -> None:
        raise NotImplementedError


class KeyedList(QScrollArea, Generic[T]):
    """Rows by key, in the order given; an empty text when there are none."""

    def __init__(self, empty_text: str, make: Callable[[T], Row[T]]) -> None:
        super().__init__()
        self._make = make
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(6)
        self.empty = plain_label(empty_text, wrap=True)
        self.empty.setStyleSheet("color: #6a6f76")
        self.column.addWidget(self.empty)
        self.column.addStretch(1)
        self.setWidget(body)
        self.rows: dict[str, Row[T]] = {}
        self._enabled = True

    def show_items(self, items: Sequence[tuple[str, T]]) -> None:
        wanted = dict(items)
        for key in [k for k in self.rows if k not in wanted]:
            row = self.rows.pop(key)
            self.column.removeWidget(row)
            row.deleteLater()
        for position, (key, data) in enumerate(items):
            found = self.rows.get(key)
            if found is None:
                found = self.rows[key] = self._make(data)
                found.set_enabled(self._enabled)
            row = found
            row.show_data(data)
            if self.column.indexOf(row) != position:
                self.column.insertWidget(position, row)  # moves it when it is there already
        self.empty.setVisible(not items)

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        for row in self.rows.values():
            row.set_enabled(enabled)


def _card(row: QFrame) -> None:
    row.setObjectName("card")
    row.setStyleSheet(
        "#card { background: #f7f8fa; border: 1px solid #e1e4e8; border-radius: 8px; }"
    )


class ProductRow(Row[Presented]):
    """A presented product: picture, name, code, price and what is left; Add to session cart."""

    def __init__(self, take: Callable[[str], None], thumbnails: Thumbnails) -> None:
        super().__init__()
        _card(self)
        self._thumbnails = thumbnails
        self.product_id = ""
        self.image_url: str | None = None
        self.picture = QLabel()
        self.picture.setFixedSize(PICTURE, PICTURE)
        self.name = bold_label()
        self.details = plain_label()
        self.details.setStyleSheet("color: #4a4f56")
        self.take_button = QPushButton(_("Add to session cart"))
        self.take_button.clicked.connect(lambda: take(self.product_id))
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.addWidget(self.picture, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(self.details, 1, 1)
        grid.addWidget(self.take_button, 0, 2, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        grid.setColumnStretch(1, 1)

    def show_data(self, data: Presented) -> None:
        product = data.product
        self.product_id = product.product_id
        self.image_url = product.image_url
        self.name.setText(breakable(product.name))
        self.name.setToolTip(plain_tooltip(product.name))
        left = _("sold out") if product.available <= 0 else _("{n} left", n=product.available)
        self.details.setText(f"{product.code} · {price_text(data)} · {left}")
        self.take_button.setAccessibleName(_("Add {name} to the session cart", name=product.name))
        self.show_picture()

    def show_picture(self) -> None:
        icon: QIcon = self._thumbnails.icon(self.image_url)
        self.picture.setPixmap(icon.pixmap(PICTURE, PICTURE))

    def set_enabled(self, enabled: bool) -> None:
        self.take_button.setEnabled(enabled)


class CartItemRow(Row[CartRow]):
    """A session cart item: name and quantity, its state (with the time left), its total; Put
    back while it is held."""

    def __init__(self, put_back: Callable[[str], None], clock: Callable[[], float]) -> None:
        super().__init__()
        _card(self)
        self._clock = clock
        self.ticket_id = ""
        self._row: CartRow | None = None
        self.name = bold_label()
        self.state = plain_label()
        self.total = plain_label()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.put_back_button = QPushButton(_("Put back"))
        self.put_back_button.clicked.connect(lambda: put_back(self.ticket_id))
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.total, 0, 1)
        grid.addWidget(self.state, 1, 0)
        grid.addWidget(self.put_back_button, 1, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        self._enabled = True

    def show_data(self, data: CartRow) -> None:
        self._row = data
        ticket = data.ticket
        self.ticket_id = ticket.ticket_id
        self.name.setText(breakable(f"{ticket.name} × {ticket.qty}"))
        self.total.setText(data.line_total)
        self.total.setToolTip(
            _("{price} each", price=format_money(ticket.price.amount, ticket.price.currency))
        )
        self.put_back_button.setAccessibleName(_("Put back {name}", name=ticket.name))
        self.tick()
        self.set_enabled(self._enabled)

    def tick(self) -> None:
        if self._row is not None:
            self.state.setText(self._row.state_text(self._clock()))
            colour = "#1a7f37" if self._row.held else "#8a5a00"
            self.state.setStyleSheet(f"color: {colour}")

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        held = self._row is not None and self._row.held
        self.put_back_button.setVisible(held)
        self.put_back_button.setEnabled(enabled and held)
