"""The Deliveries tab: the orders placed from this cart, the steps of the selected one, and its
payment and tracking links. Orders stay in the order they were placed, and the chosen one stays
chosen while the stores move them along."""

from __future__ import annotations

from ..core.lang import N_, _
from ..core.observable import Subscriptions
from ..core.orders import Delivery, payment_text
from ..core.session import CartSession
from .empty_state import EmptyState, Swap
from .list_models import ROW_ROLE, DeliveriesModel
from .qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .row_table import row_table

NOTHING_CHOSEN = N_("Choose an order to see its steps.")
M = DeliveriesModel


class DeliveriesTab(QWidget):
    def __init__(self, session: CartSession) -> None:
        super().__init__()
        self._session = session
        self.model = DeliveriesModel(lambda: session.purchases.deliveries)
        self.view = row_table(self.model, stretch=M.ITEMS, capped={M.STORE: 220})
        self.details = QLabel(_(NOTHING_CHOSEN))
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The steps scroll in a space of their own: a long timeline never squeezes the list.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setBackgroundRole(self.view.backgroundRole())  # a page like the list, not grey
        self.details.setContentsMargins(6, 4, 6, 4)
        scroll.setWidget(self.details)
        self.pay_button = QPushButton(_("Pay"))
        self.track_button = QPushButton(_("Track parcel"))
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 3)
        layout.addWidget(scroll, 2)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.pay_button)
        actions.addWidget(self.track_button)
        layout.addLayout(actions)
        self.empty = EmptyState(
            _("No orders yet"),
            _(
                "When you check out, each store's order appears here: when the store confirms "
                "it, when it is on its way, and its tracking link."
            ),
        )
        self.swap = Swap(content, self.empty, self.model)
        QVBoxLayout(self).addWidget(self.swap)

        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.purchases.changed, self._on_purchases)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._show_selected())
        self.pay_button.clicked.connect(lambda: self._open(self._payment_url()))
        self.track_button.clicked.connect(lambda: self._open(self._tracking_url()))
        self._on_purchases(None)

    def detach(self) -> None:
        self._subscriptions.disconnect_all()

    def _on_purchases(self, _unused: None) -> None:
        self.model.refresh()
        self._show_selected()

    def _selected(self) -> Delivery | None:
        row = self.model.data(self.view.currentIndex(), ROW_ROLE)
        return row if isinstance(row, Delivery) else None

    def _show_selected(self) -> None:
        delivery = self._selected()
        if delivery is None:
            self.details.setText(_(NOTHING_CHOSEN))
            self.pay_button.setEnabled(False)
            self.track_button.setEnabled(False)
            return
        order = delivery.order
        lines = [
            _(
                "{store}, order {reference}: {status}",
                store=order.store_name,
                reference=delivery.reference,
                status=delivery.status_label,
            )
        ]
        lines += [f"  {qty} × {name}" for name, qty in delivery.items]
        lines.append(
            "  " + _("Total {total} ({payment})", total=delivery.total, payment=payment_text(order))
        )
        if order.reason:
            lines.append(_("Reason: {reason}", reason=order.reason))
        lines.append("")
        lines.append(delivery.timeline_text())
        lines.append("")
        lines.append(_("Order id (for the store): {id}", id=order.order_id))
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
