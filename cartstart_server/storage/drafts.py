"""Buyers' drafts of personalised products' forms, as plans (docs/personalise.md "How drafts
work"). The rules are in domain/drafts.py and domain/forms.py; rows become views in
draft_views.py.

Every change runs in one transaction: the draft's row is created if missing and locked by ONE
upsert (two first edits at once cannot both insert; on PostgreSQL the second waits for the
first's commit and then reads its values), changed, and announced as `draft_changed` on the
cart's stream and, while a held ticket of that cart and product exists, the store's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from shared_protocol import ProtocolError
from shared_protocol.forms import (
    DraftChanged,
    DraftSummary,
    DraftView,
    Editor,
    ShopEditing,
)

from ..domain import drafts as rules
from ..domain.drafts import EMPTY_DOC, Doc
from ..domain.tickets import cart_ref
from ..domain.topics import cart_stream, is_guest_cart, store_stream
from . import ledger, outbox
from .directory import get_store
from .draft_views import Subject as Subject
from .draft_views import draft_view, summaries
from .forms import form_of
from .holds import product_row
from .sql import Effects, Plan, Row, Stmt, one


def held_ticket(cart_id: str, store_id: str, product_id: str) -> Plan[Row | None]:
    """The cart's hold on the product (the latest, if a live session holds one too)."""
    return one(
        (
            yield Stmt(
                "SELECT * FROM tickets WHERE cart_id = ? AND store_id = ? AND product_id = ? "
                "AND state = 'held' ORDER BY expires_at DESC, id LIMIT 1",
                (cart_id, store_id, product_id),
            )
        )
    )


def _subject(cart_id: str, store_id: str, product_id: str) -> Plan[Subject | None]:
    store = yield from get_store(store_id)
    product = yield from product_row(store_id, product_id)
    if store is None or product is None or product["form"] is None:
        return None
    form = form_of(product)
    assert form is not None
    ticket = yield from held_ticket(cart_id, store_id, product_id)
    return Subject(cart_id, store, product, form, ticket)


def for_buyer(cart_id: str, store_id: str, product_id: str) -> Plan[Subject]:
    """The buyer's own draft of a product with a form (held or not); else 404."""
    subject = yield from _subject(cart_id, store_id, product_id)
    if subject is None:
        raise rules.not_personalised(product_id)
    return subject


def for_store(store_id: str, ref: str, product_id: str) -> Plan[Subject]:
    """The draft the store knows as (cart_ref, product): only while a held ticket of that cart
    and product exists; anything else is the same 404, so nothing leaks."""
    rows = yield Stmt(
        "SELECT DISTINCT cart_id FROM tickets WHERE store_id = ? AND product_id = ? "
        "AND state = 'held'",
        (store_id, product_id),
    )
    cart_id = next((r["cart_id"] for r in rows if cart_ref(store_id, r["cart_id"]) == ref), None)
    subject = None if cart_id is None else (yield from _subject(cart_id, store_id, product_id))
    if subject is None or subject.ticket is None:
        raise rules.no_draft()
    return subject


def get(cart_id: str, store_id: str, product_id: str) -> Plan[Row | None]:
    return one(
        (
            yield Stmt(
                "SELECT * FROM drafts WHERE cart_id = ? AND store_id = ? AND product_id = ?",
                (cart_id, store_id, product_id),
            )
        )
    )


def view(subject: Subject, now: float) -> Plan[DraftView]:
    row = yield from get(*subject.key)
    return draft_view(subject, row, now)


def _locked(subject: Subject, now: float) -> Plan[Row]:
    """The draft's row, created empty (version 0) if missing, locked until the commit: one
    upsert, so two first edits at once cannot both insert."""
    cart_id, store_id, product_id = subject.key
    row = one(
        (
            yield Stmt(
                "INSERT INTO drafts (cart_id, store_id, product_id, cart_ref, doc, "
                "shop_editing, created_at, updated_at, version) "
                "VALUES (?, ?, ?, ?, ?, 'off', ?, ?, 0) "
                "ON CONFLICT (cart_id, store_id, product_id) "
                "DO UPDATE SET version = drafts.version RETURNING *",
                (cart_id, store_id, product_id, cart_ref(store_id, cart_id), EMPTY_DOC, now, now),
            )
        )
    )
    assert row is not None
    return row


@dataclass(frozen=True)
class Change:
    """What a change did: the new document and takeover state; `edit_by` when values were
    written (an edit, not a comment or a takeover step)."""

    doc: Doc
    shop_editing: ShopEditing
    edit_by: Editor | None = None


# A change reads the current document and takeover state and says what they become (None:
# nothing changes); it raises a ProtocolError to refuse, which rolls the transaction back.
Mutation = Callable[[Doc, ShopEditing, Subject, float], Change | None]


def change(
    fx: Effects,
    subject: Subject,
    mutate: Mutation,
    now: float,
    *,
    renew_before: float | None = None,
) -> Plan[DraftView]:
    """Apply `mutate` to the locked draft and announce it. With `renew_before` (a buyer's save),
    a hold that ends within that many seconds is renewed in the same transaction, if the store's
    renewal limit allows."""
    if subject.ticket is None:
        # Kept after the hold ended, for the buyer only; never started without one.
        existing = yield from get(*subject.key)
        if existing is None:
            raise rules.not_in_cart(subject.product["name"])
    row = yield from _locked(subject, now)
    doc = Doc.parse(row["doc"])
    hold = subject.ticket["id"] if subject.ticket is not None else None
    done = mutate(doc, rules.editing_now(row["shop_editing"], doc, hold), subject, now)
    if done is None:
        return draft_view(subject, row, now)
    if done.shop_editing != "off":
        done.doc.takeover_hold = hold
    subject = yield from _renewed(fx, subject, now, renew_before)
    edited = done.edit_by is not None
    saved = one(
        (
            yield Stmt(
                "UPDATE drafts SET doc = ?, shop_editing = ?, updated_at = ?, last_edit_at = ?, "
                "last_edit_by = ?, version = version + 1 "
                "WHERE cart_id = ? AND store_id = ? AND product_id = ? RETURNING *",
                (
                    done.doc.dump(),
                    done.shop_editing,
                    now,
                    now if edited else row["last_edit_at"],
                    done.edit_by if edited else row["last_edit_by"],
                    *subject.key,
                ),
            )
        )
    )
    assert saved is not None
    result = draft_view(subject, saved, now)
    yield from _announce(fx, subject, result, now)
    return result


def _renewed(
    fx: Effects, subject: Subject, now: float, renew_before: float | None
) -> Plan[Subject]:
    ticket = subject.ticket
    if renew_before is None or ticket is None:
        return subject
    if not rules.renews_hold(
        float(ticket["expires_at"]),
        now,
        renew_before,
        int(ticket["renewals"]),
        subject.store.renewal_limit,
    ):
        return subject
    try:
        yield from ledger.renew(
            fx, cart_id=subject.cart_id, ticket_id=ticket["id"], now=now, warn_before=renew_before
        )
    except ProtocolError:
        # The hold changed meanwhile (it expired, or another node renewed it): the refusal
        # comes before any write, and the save goes on without renewing.
        pass
    fresh = yield from held_ticket(*subject.key)
    return replace(subject, ticket=fresh)


def _announce(fx: Effects, subject: Subject, draft: DraftView, now: float) -> Plan[None]:
    """`draft_changed` to the cart (guest carts have no stream) and, while held, the store."""
    messages: list[outbox.Message] = []
    if not is_guest_cart(subject.cart_id):
        messages.append(
            (cart_stream(subject.cart_id), lambda seq: DraftChanged(seq=seq, draft=draft), ())
        )
    if subject.ticket is not None:
        messages.append(
            (store_stream(subject.store.id), lambda seq: DraftChanged(seq=seq, draft=draft), ())
        )
    if messages:
        yield from outbox.append_all(fx, messages, now)


# ---- lists ------------------------------------------------------------------------------------


def of_cart(cart_id: str, now: float) -> Plan[list[DraftView]]:
    """The cart's drafts, and an unstarted one for each held personalised item without one
    (drafts of products whose form was removed are left out)."""
    rows = yield Stmt(
        "SELECT store_id, product_id FROM drafts WHERE cart_id = ? "
        "UNION SELECT store_id, product_id FROM tickets WHERE cart_id = ? AND state = 'held'",
        (cart_id, cart_id),
    )
    views = []
    for r in sorted(rows, key=lambda r: (r["store_id"], r["product_id"])):
        subject = yield from _subject(cart_id, r["store_id"], r["product_id"])
        if subject is not None:
            views.append((yield from view(subject, now)))
    views.sort(key=lambda v: (not v.held, -(v.last_edit_at or 0), v.store_id, v.product_id))
    return views


def of_store(store_id: str) -> Plan[list[DraftSummary]]:
    """Every held ticket of the store's products with a form, started or not, newest edit
    first."""
    rows = yield Stmt(
        "SELECT t.id AS ticket_id, t.cart_id, t.product_id, t.qty, t.expires_at, t.created_at, p.name, p.form, "
        "d.doc, d.shop_editing, d.last_edit_at, d.last_edit_by, d.version "
        "FROM tickets t JOIN products p "
        "ON p.store_id = t.store_id AND p.product_id = t.product_id "
        "LEFT JOIN drafts d ON d.cart_id = t.cart_id AND d.store_id = t.store_id "
        "AND d.product_id = t.product_id "
        "WHERE t.store_id = ? AND t.state = 'held' AND p.form IS NOT NULL",
        (store_id,),
    )
    return summaries(store_id, rows)
