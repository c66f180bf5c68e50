"""The cart's own SQLite file: what is saved comes back after a restart."""

from __future__ import annotations

from pathlib import Path

from cartstart_desktop.core.cart import CartItem
from cartstart_desktop.core.local_store import Bookmark, Delivery, LocalStore
from tests.desktop.test_cart_state import NOW, view


async def test_round_trip(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cart.sqlite3")
    await store.open()
    items = [CartItem(view("a", qty=2), "Expires soon"), CartItem(view("b", store="s2"))]
    marks = [Bookmark("https://shop.example/a", "s1", "Store s1", "Product a", NOW, NOW + 1)]
    await store.save(items, last_seq=41, bookmarks=marks)
    await store.save([CartItem(view("a", qty=3, version=2))], ["b"], last_seq=42)
    delivery = Delivery(
        "o1", "s1", "Store s1", "dispatched", [("Product a", 3)], [("confirmed", NOW, "")], NOW
    )
    await store.save_delivery(delivery)
    await store.close()

    reopened = LocalStore(tmp_path / "cart.sqlite3")
    await reopened.open()
    saved = await reopened.load()
    assert saved.last_seq == 42
    assert [(i.ticket_id, i.ticket.qty, i.note) for i in saved.items] == [("a", 3, "")]
    assert saved.items[0].ticket == view("a", qty=3, version=2)
    assert saved.bookmarks == marks
    assert saved.deliveries == [delivery]
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
