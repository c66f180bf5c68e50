"""The checkout review: before anything is bought, per store the lines (name, quantity, price),
the discount code the cart will use, the totals and how the store takes payment; then Confirm
or Cancel. It follows the cart while it is open, so what it shows is what Confirm buys. Stores
with personalised items still to fill in come first, saying what is missing: their orders wait."""

from __future__ import annotations

from ..core.lang import _
from ..core.money import format_money, format_totals
from ..core.observable import Subscriptions
from ..core.orders import discount_off
from ..core.review import CheckoutReview, StoreReview
from ..core.session import CartSession
from .qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFrame,
    QGridLayout,
    QGuiApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
MINUS = "\N{MINUS SIGN}"


def _label(text: str, *, bold: bool = False, muted: bool = False, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from stores
    label.setWordWrap(wrap)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if muted:
        label.setStyleSheet("color: #5f5f5f")
    return label


def add_store(grid: QGridLayout, row: int, store: StoreReview) -> int:
    """One store's order in the shared grid (so amounts line up across stores): heading, lines,
    discount, total, payment. Returns the next free row."""
    if row:
        grid.setRowMinimumHeight(row, 14)  # a gap between stores
        row += 1
    grid.addWidget(_label(store.store_name, bold=True), row, 0, 1, 3)
    row += 1
    for line in store.lines:
        price = format_money(line.unit_price.amount, line.unit_price.currency)
        grid.addWidget(_label(line.name, wrap=True), row, 0)
        grid.addWidget(_label(f"{line.qty} × {price}"), row, 1, _RIGHT)
        total = format_money(line.total.amount, line.total.currency)
        grid.addWidget(_label(total), row, 2, _RIGHT)
        row += 1
    if store.discount is not None:
        (currency,) = store.subtotal
        text = _(
            "Discount {code}: {off}", code=store.discount.code, off=discount_off(store.discount)
        )
        grid.addWidget(_label(text, wrap=True), row, 0, 1, 2)
        off = format_money(store.discount_amount, currency)
        grid.addWidget(_label(f"{MINUS}{off}"), row, 2, _RIGHT)
        row += 1
    grid.addWidget(_label(_("Total"), bold=True), row, 0, 1, 2)
    grid.addWidget(_label(format_totals(store.total), bold=True), row, 2, _RIGHT)
    row += 1
    grid.addWidget(_label(store.payment_text, muted=True, wrap=True), row, 0, 1, 3)
    row += 1
    if store.left_out:
        text = _("Not included, no longer held: {names}.", names=", ".join(store.left_out))
        grid.addWidget(_label(text, muted=True, wrap=True), row, 0, 1, 3)
        row += 1
    return row


def add_waiting(
    grid: QGridLayout, row: int, store: StoreReview, dialog: CheckoutReviewDialog
) -> int:
    """A store whose order waits for personalised items: what each still needs, a button to
    fill it in, and that this order is not placed now."""
    if row:
        grid.setRowMinimumHeight(row, 14)
        row += 1
    grid.addWidget(_label(store.store_name, bold=True), row, 0, 1, 3)
    row += 1
    for item in store.unfinished:
        grid.addWidget(_label(item.text, wrap=True), row, 0, 1, 2)
        button = QPushButton(_("Personalise…"))
        button.setAccessibleName(_("Personalise {name}", name=item.name))
        button.clicked.connect(
            lambda _checked=False, i=item: dialog.personaliseRequested.emit(
                i.store_id, i.product_id, i.name
            )
        )
        grid.addWidget(button, row, 2, _RIGHT)
        row += 1
    text = _("This store's order is not placed now: check it out once its forms are finished.")
    grid.addWidget(_label(text, muted=True, wrap=True), row, 0, 1, 3)
    return row + 1


class CheckoutReviewDialog(QDialog):
    confirmed = Signal(object)  # the CheckoutReview that Confirm places
    personaliseRequested = Signal(str, str, str)  # store id, product id, name

    def __init__(
        self, session: CartSession, store_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._store_id = store_id
        self.setWindowTitle(_("Review your order") if store_id else _("Review your orders"))
        self.review: CheckoutReview = session.cart.review(store_id)
        intro = _label(
            _("Nothing is bought until you confirm. Each store gets one order for its items."),
            wrap=True,
        )
        self.sections = QWidget()
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.sections)
        self.summary = _label("", bold=True, wrap=True)
        self.buttons = QDialogButtonBox()
        self.confirm_button: QPushButton = self.buttons.addButton(
            _("Confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button: QPushButton = self.buttons.addButton(
            _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.confirm_button.setDefault(True)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.scroller)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._render()
        # The cart may change while the review is open (a hold ends, a code arrives).
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.local.changed, self._on_cart)
        self._subscriptions.connect(session.purchases.changed, self._on_cart)
        self._subscriptions.connect(session.drafts.changed, self._on_cart)

    def detach(self) -> None:
        self._subscriptions.disconnect_all()

    def _on_cart(self, _changes: object) -> None:
        self.review = self._session.cart.review(self._store_id)
        self._render()

    def _render(self) -> None:
        # A new grid each time: the old one goes with its widget.
        old = self.scroller.takeWidget()
        if old is not None:
            old.deleteLater()
        self.sections = QWidget()
        grid = QGridLayout(self.sections)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setColumnStretch(0, 1)
        grid.setHorizontalSpacing(18)
        row = 0
        for store in self.review.waiting:
            row = add_waiting(grid, row, store, self)
        for store in self.review.stores:
            row = add_store(grid, row, store)
        self.scroller.setWidget(self.sections)
        if self.review.stores:
            said = _(
                "{summary} You can follow them under Deliveries.", summary=self.review.summary()
            )
            if self.review.later:
                said += " " + _.n(
                    "{n} more store's order goes at the next checkout.",
                    "{n} more stores' orders go at the next checkout.",
                    len(self.review.later),
                )
            self.summary.setText(said)
        elif self.review.waiting:
            self.summary.setText(_("Finish the forms above first: nothing can be bought yet."))
        else:
            self.summary.setText(_("Nothing is held any more, so there is nothing to buy."))
        self.confirm_button.setEnabled(bool(self.review.stores))
        self._fit()

    def _fit(self) -> None:
        """As tall as the orders need at the dialog's width, up to most of the screen; they
        scroll beyond that."""
        width = max(self.width(), self.minimumWidth()) - 2 * self._layout.contentsMargins().left()
        needed = (
            self.sections.heightForWidth(width - 8) if self.sections.hasHeightForWidth() else -1
        )
        if needed < 0:
            needed = self.sections.sizeHint().height()
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = int(screen.availableGeometry().height() * 0.6) if screen is not None else 600
        self.scroller.setFixedHeight(min(needed + 2, room))
        self.adjustSize()

    def _confirm(self) -> None:
        if not self.review.stores:
            return
        self.detach()
        self.confirmed.emit(self.review)
        self.accept()
