"""The cart's own database in the user's data directory (aiosqlite): the last known cart, the
stream position, bookmarks, deliveries, discount codes and the attached live sessions, so the
cart opens offline and resumes where it was."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite

from shared_protocol.common import TicketView
from shared_protocol.orders import DiscountView, OrderView

from .bookmarks import Bookmark
from .cart import CartItem
from .orders import Delivery

if TYPE_CHECKING:
    from .live import LiveEntry

SCHEMA: list[list[str]] = [
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE items (
            ticket_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            view TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE bookmarks (
            url TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            store_name TEXT NOT NULL,
            title TEXT NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL)""",
        """CREATE TABLE deliveries (
            order_id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            store_name TEXT NOT NULL,
            status TEXT NOT NULL,
            items TEXT NOT NULL,
            timeline TEXT NOT NULL,
            updated REAL NOT NULL)""",
    ],
    [
        # Deliveries keep the whole order view (lines, totals, timeline, payment, tracking).
        "DROP TABLE deliveries",
        """CREATE TABLE deliveries (
            order_id TEXT PRIMARY KEY,
            view TEXT NOT NULL,
            updated REAL NOT NULL)""",
        """CREATE TABLE discounts (
            code TEXT PRIMARY KEY,
            view TEXT NOT NULL,
            expires_at REAL NOT NULL)""",
    ],
    [
        # Live sessions attached to the cart, as last listed (deleted ones say by whom).
        """CREATE TABLE live_sessions (
            session_id TEXT PRIMARY KEY,
            view TEXT NOT NULL,
            deleted_by TEXT)""",
    ],
    [
        # Personalised items' drafts (core/drafts.py): the hub's view as last seen (NULL until
        # fetched) and the shopper's edits not yet saved at the hub (JSON: key -> value).
        """CREATE TABLE drafts (
            store_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            view TEXT,
            pending TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (store_id, product_id))""",
    ],
]


@dataclass
class Saved:
    items: list[CartItem]
    last_seq: int | None
    bookmarks: list[Bookmark]
    deliveries: list[Delivery]
    meta: dict[str, str]
    discounts: list[DiscountView] = field(default_factory=list)


class LocalStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def opened(self) -> bool:
        return self._db is not None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the local store is not open")
        return self._db

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path)
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA synchronous = NORMAL")
        cursor = await self._db.execute("PRAGMA user_version")
        row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, statements in enumerate(SCHEMA, start=1):
            if number <= version:
                continue
            for sql in statements:
                await self._db.execute(sql)
            await self._db.execute(f"PRAGMA user_version = {number}")
            await self._db.commit()

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def load(self) -> Saved:
        db = self.db
        items = [
            CartItem(TicketView.model_validate_json(view), note)
            for view, note in await db.execute_fetchall(
                "SELECT view, note FROM items ORDER BY position"
            )
        ]
        meta = {str(k): str(v) for k, v in await db.execute_fetchall("SELECT key, value FROM meta")}
        bookmarks = [
            Bookmark(*row)
            for row in await db.execute_fetchall(
                "SELECT url, store_id, store_name, title, first_seen, last_seen FROM bookmarks "
                "ORDER BY last_seen DESC"
            )
        ]
        deliveries = [
            Delivery(OrderView.model_validate_json(view))
            for (view,) in await db.execute_fetchall(
                "SELECT view FROM deliveries ORDER BY updated DESC"
            )
        ]
        discounts = [
            DiscountView.model_validate_json(view)
            for (view,) in await db.execute_fetchall("SELECT view FROM discounts")
        ]
        last_seq = int(meta["last_seq"]) if "last_seq" in meta else None
        return Saved(items, last_seq, bookmarks, deliveries, meta, discounts)

    async def save(
        self,
        items: Iterable[CartItem] = (),
        removed: Iterable[str] = (),
        *,
        last_seq: int | None = None,
        bookmarks: Iterable[Bookmark] = (),
    ) -> None:
        """One transaction: the cart rows a batch of events changed, and how far it got."""
        db = self.db
        await db.executemany(
            "INSERT INTO items (ticket_id, position, view, note) VALUES "
            "(?, (SELECT COALESCE(MAX(position), 0) + 1 FROM items), ?, ?) "
            "ON CONFLICT (ticket_id) DO UPDATE SET view = excluded.view, note = excluded.note",
            [(i.ticket_id, i.ticket.model_dump_json(), i.note) for i in items],
        )
        await db.executemany("DELETE FROM items WHERE ticket_id = ?", [(t,) for t in removed])
        await db.executemany(
            "INSERT INTO bookmarks (url, store_id, store_name, title, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET title = excluded.title, "
            "store_name = excluded.store_name, last_seen = excluded.last_seen",
            [
                (b.url, b.store_id, b.store_name, b.title, b.first_seen, b.last_seen)
                for b in bookmarks
            ],
        )
        if last_seq is not None:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('last_seq', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(last_seq),),
            )
        await db.commit()

    async def save_orders(
        self, deliveries: Iterable[Delivery], discounts: Iterable[DiscountView] | None = None
    ) -> None:
        """Deliveries that changed, and (when given) the discount codes as they are now."""
        db = self.db
        await db.executemany(
            "INSERT INTO deliveries (order_id, view, updated) VALUES (?, ?, ?) "
            "ON CONFLICT (order_id) DO UPDATE SET view = excluded.view, updated = excluded.updated",
            [(d.order_id, d.order.model_dump_json(), d.updated) for d in deliveries],
        )
        if discounts is not None:
            await db.execute("DELETE FROM discounts")
            await db.executemany(
                "INSERT INTO discounts (code, view, expires_at) VALUES (?, ?, ?)",
                [(d.code, d.model_dump_json(), d.expires_at) for d in discounts],
            )
        await db.commit()

    async def set_meta(self, **values: str) -> None:
        await self.db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )
        await self.db.commit()

    async def load_live(self) -> list[LiveEntry]:
        # Live sessions load when the Live tab or the hub first needs them, not at start-up.
        from shared_protocol.live import SessionSummary

        from .live import LiveEntry

        return [
            LiveEntry(SessionSummary.model_validate_json(view), deleted_by)
            for view, deleted_by in await self.db.execute_fetchall(
                "SELECT view, deleted_by FROM live_sessions"
            )
        ]

    async def save_live(self, entries: Iterable[LiveEntry]) -> None:
        """The live sessions as listed now (the whole list: it is short)."""
        await self.db.execute("DELETE FROM live_sessions")
        await self.db.executemany(
            "INSERT INTO live_sessions (session_id, view, deleted_by) VALUES (?, ?, ?)",
            [(e.session_id, e.summary.model_dump_json(), e.deleted_by) for e in entries],
        )
        await self.db.commit()

    async def load_drafts(self) -> list[tuple[str, str, str | None, str]]:
        """Every draft kept: (store_id, product_id, the hub's view JSON, pending edits JSON)."""
        return [
            (str(s), str(p), None if v is None else str(v), str(e))
            for s, p, v, e in await self.db.execute_fetchall(
                "SELECT store_id, product_id, view, pending FROM drafts"
            )
        ]

    async def save_draft(
        self, store_id: str, product_id: str, view: str | None, pending: str
    ) -> None:
        """One draft as it is now, committed at once (an edit survives a crash)."""
        await self.db.execute(
            "INSERT INTO drafts (store_id, product_id, view, pending) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (store_id, product_id) DO UPDATE SET view = excluded.view, "
            "pending = excluded.pending",
            (store_id, product_id, view, pending),
        )
        await self.db.commit()

    async def delete_drafts(self, keys: Iterable[tuple[str, str]]) -> None:
        await self.db.executemany(
            "DELETE FROM drafts WHERE store_id = ? AND product_id = ?", list(keys)
        )
        await self.db.commit()

    async def clear(self) -> None:
        """Forget everything (signing out, or another account on this computer)."""
        for table in (
            "items",
            "meta",
            "bookmarks",
            "deliveries",
            "discounts",
            "live_sessions",
            "drafts",
        ):
            await self.db.execute(f"DELETE FROM {table}")
        await self.db.commit()
