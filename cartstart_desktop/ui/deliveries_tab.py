"""The Deliveries tab: the orders placed from this cart, the steps of the selected one, and its
payment and tracking links."""

from __future__ import annotations

from ..core.observable import Subscriptions
from ..core.orders import Delivery, payment_text
from ..core.session import CartSession
from .list_models import ROW_ROLE, DeliveriesModel
from .qt import QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget
from .row_table import row_table

NOTHING_CHOSEN = "Choose an order to see its steps."


class DeliveriesTab(QWidget):
    def __init__(self, session: CartSession) -> None:
        super().__init__()
        self._session = session
        self.model = DeliveriesModel(lambda: session.purchases.deliveries)
        self.view = row_table(self.model)
        self.details = QLabel(NOTHING_CHOSEN)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.pay_button = QPushButton("Pay")
        self.track_button = QPushButton("Track parcel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.details, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.pay_button)
        actions.addWidget(self.track_button)
        layout.addLayout(actions)

        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.purchases.changed, self._on_purchases)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        self.pay_button.clicked.connect(lambda: self._open(self._payment_url()))
        self.track_button.clicked.connect(lambda: self._open(self._tracking_url()))
        self._on_purchases(None)

    def detach(self) -> None:
        self._subscriptions.disconnect_all()

    def _on_purchases(self, _: None) -> None:
        self.model.refresh()
        self._show_selected()

    def _selected(self) -> Delivery | None:
        row = self.model.data(self.view.currentIndex(), ROW_ROLE)
        return row if isinstance(row, Delivery) else None

    def _show_selected(self) -> None:
        delivery = self._selected()
        if delivery is None:
            self.details.setText(NOTHING_CHOSEN)
            self.pay_button.setEnabled(False)
            self.track_button.setEnabled(False)
            return
        order = delivery.order
        lines = [f"{order.store_name}, order {order.order_id}: {order.status.value}"]
        lines += [f"  {qty} × {name}" for name, qty in delivery.items]
        lines.append(f"  Total {delivery.total} ({payment_text(order)})")
        if order.reason:
            lines.append(f"Reason: {order.reason}")
        lines.append("")
        lines.append(delivery.timeline_text())
        self.details.setText("\n".join(lines))
        self.pay_button.setEnabled(delivery.payable)
        self.track_button.setEnabled(bool(order.tracking_url))

    def _payment_url(self) -> str | None:
        delivery = self._selected()
        return delivery.order.payment.url if delivery else None

    def _tracking_url(self) -> str | None:
        delivery = self._selected()
        return delivery.order.tracking_url if delivery else None

    def _open(self, url: str | None) -> None:
        if url:
            self._session.open_url(url)
