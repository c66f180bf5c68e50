"""The parts that keep the cart on this computer, alone: LocalCart against a real SQLite file, and
the Bookmarks list."""

from __future__ import annotations

from pathlib import Path

from cartstart_desktop.core.bookmarks import Bookmark, Bookmarks, bookmark_for
from cartstart_desktop.core.cart import Change
from cartstart_desktop.core.local_cart import LocalCart
from cartstart_desktop.core.local_store import LocalStore
from tests.desktop.test_cart_state import NOW, view


async def test_a_commit_stores_the_rows_it_touched_with_the_seq_then_announces(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cart.sqlite3"
    local = LocalCart(LocalStore(path))
    await local.open()
    announced: list[list[Change]] = []
    local.changed.connect(announced.append)
    changes = local.state.apply_ticket(view("a")) + local.state.apply_ticket(view("b"))
    await local.commit(changes, last_seq=7)
    await local.commit(local.state.remove("b"))  # no seq: the stream position stays
    await local.close()
    assert [[c.kind for c in batch] for batch in announced] == [["added", "added"], ["removed"]]

    again = LocalCart(LocalStore(path))
    saved = await again.open()
    assert list(again.state.items) == ["a"] and again.last_seq == saved.last_seq == 7
    await again.forget()
    assert again.state.items == {} and again.last_seq is None
    assert (await again.store.load()).items == []
    await again.close()


def test_bookmarks_keep_one_row_per_page_newest_first() -> None:
    bookmarks = Bookmarks()
    told: list[None] = []
    bookmarks.changed.connect(told.append)
    picked = view("a", source_url="https://shop.example/a")
    first = bookmark_for(picked, NOW)
    assert first is not None and bookmark_for(view("b"), NOW) is None  # not picked on a page
    bookmarks.merge([first])
    bookmarks.merge([Bookmark("https://shop.example/b", "s1", "Store s1", "B", NOW + 1, NOW + 1)])
    renamed = view("a", name="A, renamed", source_url="https://shop.example/a")
    again = bookmark_for(renamed, NOW + 2)
    assert again is not None
    bookmarks.merge([again])
    assert [(b.url, b.title, b.first_seen) for b in bookmarks.pages] == [
        ("https://shop.example/a", "A, renamed", NOW),
        ("https://shop.example/b", "B", NOW + 1),
    ]
    bookmarks.merge([])  # nothing new: no redraw
    assert len(told) == 3
