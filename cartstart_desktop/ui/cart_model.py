"""The cart as a Qt item model: stores at the top level, their items below.

The model renders the core's CartState; editing a quantity does not change the data here, it
asks for the change (`quantityRequested`) and the row updates when the hub has agreed.
Structure changes arrive as the core's `Change`s, so a 5,000-item cart is never rebuilt for one
new item; only the countdown column is refreshed every second, and only visible cells repaint.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.cart import CartItem, CartState, Change, count_text, countdown
from ..core.draft_form import progress_text
from ..core.lang import N_, _
from ..core.money import format_money, format_totals, totals
from .qt import (
    QAbstractItemModel,
    QBrush,
    QColor,
    QFont,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from .texts import text_tip
from .thumbnails import IMAGE_ROLE

if TYPE_CHECKING:
    from ..core.drafts import Drafts

ITEM, PRICE, QTY, TOTAL, EXPIRES, STATUS = range(6)
HEADERS = (N_("Item"), N_("Price"), N_("Qty"), N_("Total"), N_("Expires in"), N_("Status"))
TICKET_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_ROOT = 0  # internalId of top-level (store) rows; item rows carry their store's key
_GROUP_FLAGS = _ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_ITEM_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsEditable
_STATE_LABEL = {
    "held": N_("Held"),
    "expired": N_("Expired"),
    "revoked": N_("Taken back"),
    "purchased": N_("Purchased"),
}
# Beyond this many changes at once, a reset is cheaper than row-by-row signals.
_RESET_THRESHOLD = 200


@dataclass
class _Store:
    key: int
    store_id: str
    name: str
    tickets: list[str] = field(default_factory=list)


class CartModel(QAbstractItemModel):
    quantityRequested = Signal(str, int)  # ticket_id, qty

    def __init__(
        self, state: CartState, clock: Callable[[], float], drafts: Drafts | None = None
    ) -> None:
        super().__init__()
        self._state = state
        self._drafts = drafts
        self._clock = clock
        self._stores: list[_Store] = []
        self._by_key: dict[int, _Store] = {}
        self._keys = itertools.count(1)
        self._bold = QFont()
        self._bold.setBold(True)
        self._muted = QBrush(QColor(128, 128, 128))
        self._alert = QBrush(QColor(176, 32, 32))
        self.reset()

    # ---- structure --------------------------------------------------------------------------

    def _store_row(self, store_id: str) -> int:
        for row, store in enumerate(self._stores):
            if store.store_id == store_id:
                return row
        return -1

    def _new_store(self, store_id: str, name: str) -> _Store:
        store = _Store(next(self._keys), store_id, name)
        self._by_key[store.key] = store
        return store

    def reset(self) -> None:
        self.beginResetModel()
        self._stores.clear()
        self._by_key.clear()
        for group in self._state.groups():
            store = self._new_store(group.store_id, group.store_name)
            store.tickets = [item.ticket_id for item in group.items]
            self._stores.append(store)
        self.endResetModel()

    def apply(self, changes: list[Change]) -> None:
        """Follow the core's changes; an empty list means the whole cart was replaced."""
        if not changes or len(changes) > _RESET_THRESHOLD:
            self.reset()
            return
        for change in changes:
            getattr(self, f"_{change.kind}")(change)

    def _added(self, change: Change) -> None:
        item = self._state.items.get(change.ticket_id)
        if item is None:
            return
        row = self._store_row(change.store_id)
        if row < 0:
            row = len(self._stores)
            self.beginInsertRows(QModelIndex(), row, row)
            self._stores.append(self._new_store(change.store_id, item.ticket.store_name))
            self.endInsertRows()
        store = self._stores[row]
        if change.ticket_id in store.tickets:
            self._updated(change)
            return
        parent = self.index(row, 0)
        at = len(store.tickets)
        self.beginInsertRows(parent, at, at)
        store.tickets.append(change.ticket_id)
        self.endInsertRows()
        self._store_changed(row)

    def _updated(self, change: Change) -> None:
        row = self._store_row(change.store_id)
        if row < 0:
            return
        store = self._stores[row]
        if change.ticket_id not in store.tickets:
            self._added(change)
            return
        at = store.tickets.index(change.ticket_id)
        parent = self.index(row, 0)
        self.dataChanged.emit(self.index(at, 0, parent), self.index(at, STATUS, parent))
        self._store_changed(row)

    def _removed(self, change: Change) -> None:
        row = self._store_row(change.store_id)
        if row < 0 or change.ticket_id not in self._stores[row].tickets:
            return
        store = self._stores[row]
        at = store.tickets.index(change.ticket_id)
        self.beginRemoveRows(self.index(row, 0), at, at)
        del store.tickets[at]
        self.endRemoveRows()
        if not store.tickets:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._stores[row]
            del self._by_key[store.key]
            self.endRemoveRows()
        else:
            self._store_changed(row)

    def _store_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, STATUS))

    def draft_changed(self, store_id: str, product_id: str) -> None:
        """A personalised item's progress changed: repaint its rows' status."""
        row = self._store_row(store_id)
        if row < 0:
            return
        parent = self.index(row, 0)
        for at, ticket_id in enumerate(self._stores[row].tickets):
            item = self._state.items.get(ticket_id)
            if item is not None and item.ticket.product_id == product_id:
                self.dataChanged.emit(
                    self.index(at, STATUS, parent), self.index(at, STATUS, parent)
                )

    def personalising(self, item: CartItem) -> tuple[str, list[str]] | None:
        """A personalised item's progress ("2 of 5 done") and the labels still to fill."""
        if not item.ticket.personalised:
            return None
        draft = (
            self._drafts.get(item.ticket.store_id, item.ticket.product_id) if self._drafts else None
        )
        shown = draft.progress if draft is not None else None
        if shown is None:
            return _("to personalise"), []
        return progress_text(shown), list(shown.missing)

    def tick(self) -> None:
        """Refresh the countdowns (called every second)."""
        for row, store in enumerate(self._stores):
            if store.tickets:
                parent = self.index(row, 0)
                self.dataChanged.emit(
                    self.index(0, EXPIRES, parent),
                    self.index(len(store.tickets) - 1, EXPIRES, parent),
                    [Qt.ItemDataRole.DisplayRole],
                )

    # ---- QAbstractItemModel -----------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            if 0 <= row < len(self._stores) and 0 <= column < len(HEADERS):
                return self.createIndex(row, column, _ROOT)
            return QModelIndex()
        if parent.internalId() != _ROOT:
            return QModelIndex()
        store = self._stores[parent.row()]
        if 0 <= row < len(store.tickets) and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, store.key)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _ROOT:
            return QModelIndex()
        store = self._by_key.get(index.internalId())
        if store is None:
            return QModelIndex()
        return self.createIndex(self._stores.index(store), 0, _ROOT)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._stores)
        if parent.internalId() == _ROOT and parent.column() == 0:
            return len(self._stores[parent.row()].tickets)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        return None

    def store_at(self, index: Index) -> str | None:
        """The store of a store row, or of an item row's store."""
        if not index.isValid():
            return None
        if index.internalId() == _ROOT:
            return self._stores[index.row()].store_id
        store = self._by_key.get(index.internalId())
        return store.store_id if store else None

    def item_at(self, index: Index) -> CartItem | None:
        if not index.isValid() or index.internalId() == _ROOT:
            return None
        store = self._by_key.get(index.internalId())
        if store is None or index.row() >= len(store.tickets):
            return None
        return self._state.items.get(store.tickets[index.row()])

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called for every row when the tree lays out, so it answers from constants.
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _ROOT:
            return _GROUP_FLAGS
        if index.column() == QTY and (item := self.item_at(index)) is not None and item.held:
            return _EDITABLE_ITEM_FLAGS
        return _ITEM_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _ROOT:
            return self._store_data(self._stores[index.row()], index.column(), role)
        item = self.item_at(index)
        return None if item is None else self._item_data(item, index.column(), role)

    def _store_data(self, store: _Store, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ITEM:
                return store.name
            if column == TOTAL:
                items = (self._state.items.get(t) for t in store.tickets)
                return format_totals(
                    totals((i.ticket.price, i.ticket.qty) for i in items if i and i.held)
                )
            if column == STATUS:
                rows = [self._state.items.get(t) for t in store.tickets]
                held = sum(1 for i in rows if i is not None and i.held)
                return count_text(held, len(store.tickets))
        elif role == Qt.ItemDataRole.FontRole:
            return self._bold
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _item_data(self, item: CartItem, column: int, role: int) -> Any:
        ticket = item.ticket
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == ITEM:
                return ticket.name
            if column == PRICE:
                return format_money(ticket.price.amount, ticket.price.currency)
            if column == QTY:
                return ticket.qty
            if column == TOTAL:
                return format_money(item.line_total.amount, item.line_total.currency)
            if column == EXPIRES:
                return countdown(item.seconds_left(self._clock())) if item.held else "—"
            if column == STATUS:
                status = item.note or _(_STATE_LABEL.get(ticket.state.value, ticket.state.value))
                personal = self.personalising(item)
                return status if personal is None else f"{status} · {personal[0]}"
        elif role == Qt.ItemDataRole.ToolTipRole:
            parts = [
                ticket.name,
                f"{ticket.store_name} · {ticket.code}" if ticket.code else ticket.store_name,
            ]
            if item.available is not None and item.held:
                parts.append(_("{n} more available", n=item.available))
            if item.note:
                parts.append(item.note)
            personal = self.personalising(item)
            if personal is not None and personal[1]:
                parts.append(_("Still to fill: {fields}", fields=", ".join(personal[1])))
            return text_tip("\n".join(parts))  # names are the stores' text, never markup
        elif role == Qt.ItemDataRole.ForegroundRole:
            if not item.held:
                return self._muted
            if column == EXPIRES and item.seconds_left(self._clock()) < 60:
                return self._alert
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (PRICE, QTY, TOTAL, EXPIRES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == TICKET_ROLE:
            return ticket.ticket_id
        elif role == IMAGE_ROLE:
            return ticket.image_url or ""
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item_at(index)
        if item is None or index.column() != QTY or role != Qt.ItemDataRole.EditRole:
            return False
        qty = int(value)
        if qty != item.ticket.qty:
            self.quantityRequested.emit(item.ticket_id, qty)
        return False  # the row changes when the hub has agreed
