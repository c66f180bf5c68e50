"""The cart's own SQLite file: what is saved comes back after a restart."""

from __future__ import annotations

from pathlib import Path

from cartstart_desktop.core.bookmarks import Bookmark
from cartstart_desktop.core.cart import CartItem
from cartstart_desktop.core.local_store import LocalStore
from cartstart_desktop.core.orders import Delivery
from shared_protocol.common import Money
from shared_protocol.orders import (
    DiscountView,
    OrderLine,
    OrderStatus,
    OrderStep,
    OrderView,
    Payment,
)
from tests.desktop.test_cart_state import NOW, view


def order(order_id: str, status: OrderStatus, version: int = 1) -> OrderView:
    price = Money(amount=1000, currency="EUR")
    return OrderView(
        order_id=order_id,
        store_id="s1",
        store_name="Store s1",
        status=status,
        lines=[
            OrderLine(
                ticket_id="a",
                product_id="pa",
                name="Product a",
                code="A",
                qty=3,
                unit_price=price,
                line_total=Money(amount=3000, currency="EUR"),
            )
        ],
        subtotal=Money(amount=3000, currency="EUR"),
        total=Money(amount=3000, currency="EUR"),
        payment=Payment(mode="on_collection"),
        timeline=[OrderStep(status=OrderStatus.PLACED, at=NOW)],
        created_at=NOW,
        updated_at=NOW,
        version=version,
    )


async def test_round_trip(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cart.sqlite3")
    await store.open()
    items = [CartItem(view("a", qty=2), "Expires soon"), CartItem(view("b", store="s2"))]
    marks = [Bookmark("https://shop.example/a", "s1", "Store s1", "Product a", NOW, NOW + 1)]
    await store.save(items, last_seq=41, bookmarks=marks)
    await store.save([CartItem(view("a", qty=3, version=2))], ["b"], last_seq=42)
    delivery = Delivery(order("o1", OrderStatus.DISPATCHED))
    code = DiscountView(
        code="CS-AAAA-BBBB", store_id="s1", store_name="Store s1", percent_off=10, expires_at=NOW
    )
    await store.save_orders([delivery], [code])
    await store.close()

    reopened = LocalStore(tmp_path / "cart.sqlite3")
    await reopened.open()
    saved = await reopened.load()
    assert saved.last_seq == 42
    assert [(i.ticket_id, i.ticket.qty, i.note) for i in saved.items] == [("a", 3, "")]
    assert saved.items[0].ticket == view("a", qty=3, version=2)
    assert saved.bookmarks == marks
    assert saved.deliveries == [delivery] and saved.discounts == [code]
    await reopened.clear()
    assert (await reopened.load()).items == []
    await reopened.close()


async def test_rows_keep_their_order(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cart.sqlite3")
    await store.open()
    for n in range(5):
        await store.save([CartItem(view(f"t{n}"))])
    await store.save([CartItem(view("t0", qty=4, version=2))])  # an update keeps its place
    assert [i.ticket_id for i in (await store.load()).items] == [f"t{n}" for n in range(5)]
    await store.close()


async def test_live_sessions_are_kept_with_who_deleted_them_and_forgotten_with_the_cart(
    tmp_path: Path,
) -> None:
    from cartstart_desktop.core.live import LiveEntry
    from tests.desktop.test_live_models import summary

    store = LocalStore(tmp_path / "cart.sqlite3")
    await store.open()
    entries = [
        LiveEntry(summary("ls1", unread=2, text="<b>hi</b>")),
        LiveEntry(summary("ls2"), "store"),
    ]
    await store.save_live(entries)
    await store.close()
    await store.open()  # a restart
    assert sorted(await store.load_live(), key=lambda e: e.session_id) == entries
    await store.clear()
    assert await store.load_live() == []
    await store.close()
