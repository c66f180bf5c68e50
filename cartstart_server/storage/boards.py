"""Sharing boards, uploads and the gallery's search, as plans.

A widget is private (`session_id` set: the store and that session's visitor see it) or public
(`session_id` NULL: on the store's page; a visitor's public post is `approved` only once the
store says so). `author_session` says which session posted it, so a visitor removes only their
own, and deleting a session takes its public posts too.
"""

from __future__ import annotations

from shared_protocol.live import LiveProduct, Side, Widget, WidgetIn, WidgetPosted, WidgetRemoved

from ..domain import selling as rules
from . import selling
from .sql import Effects, Plan, Row, Stmt, one

UPLOAD_PATH = "/api/live/uploads/"


def _widget(row: Row, product: LiveProduct | None, viewer_session: str | None) -> Widget:
    return Widget(
        widget_id=row["id"],
        kind=row["kind"],
        author=row["author"],
        public=row["session_id"] is None,
        approved=bool(row["approved"]),
        mine=viewer_session is not None and row["author_session"] == viewer_session,
        product=product,
        image_url=UPLOAD_PATH + row["upload_id"] if row["upload_id"] else None,
        url=row["url"],
        title=row["title"],
        text=row["body"],
        at=row["at"],
    )


def _with_products(rows: list[Row], store_id: str, viewer: str | None) -> Plan[list[Widget]]:
    wanted = sorted({r["product_id"] for r in rows if r["product_id"]})
    products: dict[str, LiveProduct] = {}
    if wanted:
        marks = ", ".join("?" for _ in wanted)
        found = yield Stmt(
            f"SELECT * FROM products WHERE store_id = ? AND product_id IN ({marks})",
            (store_id, *wanted),
        )
        products = {r["product_id"]: selling.live_product(r) for r in found}
    return [_widget(r, products.get(r["product_id"] or ""), viewer) for r in rows]


def widget(widget_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM live_widgets WHERE id = ?", (widget_id,))))


def post(
    fx: Effects,
    *,
    store_id: str,
    widget_id: str,
    widget_in: WidgetIn,
    author: Side,
    session_id: str | None,
    public: bool,
    now: float,
) -> Plan[tuple[Widget, Row]]:
    """Put a widget on the session's board, or (public) on the store's page. A visitor's posts
    are counted against their limit; a public one waits for approval."""
    rules.check_widget(widget_in)
    if author == "visitor":
        rows = yield Stmt(
            "SELECT COUNT(*) AS n FROM live_widgets WHERE author_session = ? AND at > ?",
            (session_id, now - rules.RATE_WINDOW),
        )
        rules.rate_limited("posts", int(rows[0]["n"]), rules.POSTS_PER_WINDOW)
    if widget_in.product_id is not None:
        yield from selling.find_product(store_id, widget_in.product_id)
    if widget_in.upload_id is not None:
        found = one(
            (
                yield Stmt(
                    "SELECT id FROM live_uploads WHERE id = ? AND store_id = ? "
                    "AND (session_id IS NULL OR session_id = ?)",
                    (widget_in.upload_id, store_id, session_id),
                )
            )
        )
        if found is None:
            raise rules.no_upload()
    row = one(
        (
            yield Stmt(
                "INSERT INTO live_widgets (id, store_id, session_id, author, author_session, "
                "kind, approved, product_id, upload_id, url, title, body, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    widget_id,
                    store_id,
                    None if public else session_id,
                    author,
                    session_id if author == "visitor" else None,
                    widget_in.kind,
                    int(author == "store" or not public),
                    widget_in.product_id,
                    widget_in.upload_id,
                    widget_in.url,
                    widget_in.title,
                    widget_in.text,
                    now,
                ),
            )
        )
    )
    assert row is not None
    [view] = yield from _with_products([row], store_id, session_id)
    if session_id is not None:  # the session sees its own posts, public ones included
        yield from selling.append(
            fx, session_id, lambda seq: WidgetPosted(seq=seq, widget=view), now
        )
    return view, row


def remove(fx: Effects, row: Row, now: float) -> Plan[None]:
    yield Stmt("DELETE FROM live_widgets WHERE id = ?", (row["id"],))
    if row["upload_id"]:
        yield Stmt("DELETE FROM live_uploads WHERE id = ?", (row["upload_id"],))
    for session_id in {row["session_id"], row["author_session"]} - {None}:
        yield from selling.append(
            fx, session_id, lambda seq: WidgetRemoved(seq=seq, widget_id=row["id"]), now
        )


def approve(fx: Effects, row: Row, now: float) -> Plan[Widget]:
    """A visitor's public post becomes visible; its author's session hears it (as its own)."""
    yield Stmt("UPDATE live_widgets SET approved = 1 WHERE id = ?", (row["id"],))
    approved = {**row, "approved": 1}
    [view] = yield from _with_products([approved], row["store_id"], None)
    if row["author_session"]:
        [mine] = yield from _with_products([approved], row["store_id"], row["author_session"])
        yield from selling.append(
            fx, row["author_session"], lambda seq: WidgetPosted(seq=seq, widget=mine), now
        )
    return view


def public_posts_of(session_id: str) -> Plan[list[str]]:
    """The ids of what a session's visitor posted on the public board."""
    rows = yield Stmt(
        "SELECT id FROM live_widgets WHERE author_session = ? AND session_id IS NULL",
        (session_id,),
    )
    return [str(r["id"]) for r in rows]


def session_board(session_id: str, store_id: str) -> Plan[list[Widget]]:
    """The session's private widgets and what its visitor posted publicly, oldest first."""
    rows = yield Stmt(
        "SELECT * FROM live_widgets WHERE session_id = ? OR author_session = ? ORDER BY at, id",
        (session_id, session_id),
    )
    return (yield from _with_products(list(rows), store_id, session_id))


def public_board(store_id: str, *, waiting: bool, viewer: str | None = None) -> Plan[list[Widget]]:
    """The store's public widgets: approved ones (what visitors see), or those waiting for
    approval."""
    rows = yield Stmt(
        "SELECT * FROM live_widgets WHERE store_id = ? AND session_id IS NULL "
        "AND approved = ? ORDER BY at DESC, id LIMIT 200",
        (store_id, 0 if waiting else 1),
    )
    return (yield from _with_products(list(rows), store_id, viewer))


# ---- uploads ---------------------------------------------------------------------------------


def save_upload(
    upload_id: str,
    store_id: str,
    session_id: str | None,
    content_type: str,
    data: bytes,
    now: float,
) -> Plan[None]:
    yield Stmt(
        "INSERT INTO live_uploads (id, store_id, session_id, content_type, data, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (upload_id, store_id, session_id, content_type, data, now),
    )


def upload(upload_id: str) -> Plan[tuple[str, bytes] | None]:
    row = one(
        (yield Stmt("SELECT content_type, data FROM live_uploads WHERE id = ?", (upload_id,)))
    )
    return (str(row["content_type"]), bytes(row["data"])) if row else None


# ---- the gallery -----------------------------------------------------------------------------


def search(store_id: str, query: str, limit: int) -> Plan[list[LiveProduct]]:
    """Products on sale whose name, code or tags contain every word of `query` (an empty query
    lists the catalogue). An exact code comes first, then names that start with the first word.
    Words are matched in `search_text`, folded once when the product was written."""
    words = rules.search_words(query)
    where = ["store_id = ?", "active = 1"]
    params: list[object] = [store_id]
    for word in words:
        where.append("search_text LIKE ? ESCAPE '\\'")
        params.append(rules.like_pattern(word))
    first = words[0] if words else ""
    rows = yield Stmt(
        f"SELECT * FROM products WHERE {' AND '.join(where)} "
        "ORDER BY LOWER(code) = ? DESC, search_text LIKE ? ESCAPE '\\' DESC, name, product_id "
        "LIMIT ?",
        (*params, first, rules.like_pattern(first)[1:], limit),
    )
    return [selling.live_product(r) for r in rows]
