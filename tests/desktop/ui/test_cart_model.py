"""The cart model alone: Qt's model contract, and painting a big cart.

PySide6-Essentials 6.12.0 killed the interpreter when a view painted a few thousand cells of a
model whose data() returns None for unhandled roles (PLATFORM-NOTES.md); this test paints 5,000
rows so an upgrade that brings that back fails here, not at a shopper's desk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTreeView

from cartstart_desktop.core.cart import CartItem, CartState, Change
from cartstart_desktop.ui.cart_model import ITEM, QTY, STATUS, CartModel
from tests.desktop.test_cart_state import NOW, view


def big_state(stores: int, per_store: int) -> CartState:
    state = CartState()
    state.load(
        CartItem(view(f"t{s}-{n}", store=f"s{s}", qty=1 + n % 3))
        for s in range(stores)
        for n in range(per_store)
    )
    return state


def test_the_model_keeps_qts_contract(qtmodeltester: Any) -> None:
    state = big_state(3, 4)
    model = CartModel(state, lambda: NOW)
    qtmodeltester.check(model, force_py=True)
    # ... also while rows come and go.
    state.apply_ticket(view("new", store="s9"))
    model.apply([Change("added", "new", "s9")])
    changes = state.remove("t0-0")
    model.apply(changes)
    for n in range(1, 4):
        model.apply(state.remove(f"t1-{n - 1}"))
    model.apply(state.remove("t1-3"))  # the store's last item: the store row goes too
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3  # s0, s2, s9
    assert [model.data(model.index(r, ITEM)) for r in range(3)] == [
        "Store s0",
        "Store s2",
        "Store s9",
    ]


def test_quantity_edits_ask_instead_of_changing(qtbot: Any) -> None:
    state = big_state(1, 1)
    model = CartModel(state, lambda: NOW)
    index = model.index(0, QTY, model.index(0, 0))
    with qtbot.waitSignal(model.quantityRequested) as asked:
        assert model.setData(index, 3) is False
    assert asked.args == ["t0-0", 3]
    assert model.data(index) == 1  # unchanged until the hub agrees
    # Finished rows are not editable.
    state.items["t0-0"].ticket = state.items["t0-0"].ticket.model_copy(update={"state": "expired"})
    assert not model.flags(index) & model.flags(index).ItemIsEditable


def test_painting_a_5000_item_cart(qtbot: Any) -> None:
    state = big_state(10, 500)
    model = CartModel(state, lambda: NOW)
    tree = QTreeView()
    qtbot.addWidget(tree)
    tree.setUniformRowHeights(True)
    tree.setModel(model)
    tree.resize(900, 3000)
    tree.expandAll()
    tree.show()
    for _ in range(3):
        model.tick()
        image = tree.grab()  # paints every visible cell
    assert not image.isNull()
    assert model.data(model.index(499, STATUS, model.index(9, 0))) == "Held"


def test_the_deliveries_model_keeps_qts_contract_and_its_rows_in_place(
    qtmodeltester: Any, qtbot: Any
) -> None:
    from cartstart_desktop.core.orders import Delivery, OrderBook
    from cartstart_desktop.ui.list_models import ROW_ROLE, DeliveriesModel
    from shared_protocol.orders import OrderStatus
    from tests.desktop.test_local_store import order

    book = OrderBook()
    for n, order_id in enumerate(("o1aaaaaa", "o2bbbbbb", "o3cccccc")):
        view = order(order_id, OrderStatus.PLACED)
        book.apply_order(view.model_copy(update={"created_at": NOW + n, "updated_at": NOW + n}))
    model = DeliveriesModel(book.listed)
    qtmodeltester.check(model, force_py=True)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["#3CCCCC", "#2BBBBB", "#1AAAAA"]
    # The oldest order moves along: it stays where it is, repainted rather than reset.
    moved = order("o1aaaaaa", OrderStatus.CONFIRMED, version=2)
    book.apply_order(moved.model_copy(update={"created_at": NOW, "updated_at": NOW + 60}))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.refresh()
    assert model.data(model.index(2, DeliveriesModel.STATUS)) == "Confirmed"
    row = model.data(model.index(2, 0), ROW_ROLE)
    assert isinstance(row, Delivery) and row.order_id == "o1aaaaaa"
    qtmodeltester.check(model, force_py=True)
