"""Drafts' rows -> protocol views (DraftView for the buyer and the store, DraftSummary for the
store's list)."""

from __future__ import annotations

from dataclasses import dataclass

from shared_protocol.common import Money
from shared_protocol.forms import DraftSummary, DraftView, FormDefinition, Progress

from ..domain import forms
from ..domain.drafts import Doc, editing_now
from ..domain.tickets import cart_ref
from .directory import StoreRow
from .forms import form_of
from .sql import Row


@dataclass(frozen=True)
class Subject:
    """What a draft is about: its cart, the store, the product and its form, and the cart's
    hold on the product (None: not held now)."""

    cart_id: str
    store: StoreRow
    product: Row
    form: FormDefinition
    ticket: Row | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cart_id, self.store.id, self.product["product_id"])


def draft_view(subject: Subject, row: Row | None, now: float) -> DraftView:
    """The draft as stored, or an unstarted one (version 0) when there is no row yet."""
    doc = Doc.parse(row["doc"] if row else None)
    values = doc.plain(subject.form)
    product, ticket = subject.product, subject.ticket
    base = Money(amount=product["price_amount"], currency=product["currency"])
    started = ticket["created_at"] if ticket is not None else now
    return DraftView(
        store_id=subject.store.id,
        store_name=subject.store.name,
        product_id=product["product_id"],
        product_name=product["name"],
        cart_ref=cart_ref(subject.store.id, subject.cart_id),
        form=subject.form,
        form_version=int(product["form_version"]),
        values=doc.shown(subject.form),
        comments=doc.comments,
        progress=forms.progress(subject.form, values),
        unit_price=forms.unit_price(base, subject.form, values),
        shop_editing=editing_now(
            row["shop_editing"] if row else "off", doc, ticket["id"] if ticket else None
        ),
        held=ticket is not None,
        expires_at=ticket["expires_at"] if ticket is not None else None,
        last_edit_at=row["last_edit_at"] if row else None,
        last_edit_by=row["last_edit_by"] if row else None,
        updated_at=row["updated_at"] if row else started,
        version=int(row["version"]) if row else 0,
    )


def summaries(store_id: str, rows: list[Row]) -> list[DraftSummary]:
    """One summary per (cart, product) among held tickets joined with their drafts (a cart may
    hold a product twice: once itself, once in a live session), newest edit first."""
    forms_of: dict[str, FormDefinition] = {}
    merged: dict[tuple[str, str], tuple[Row, int, float]] = {}
    for r in rows:
        key = (r["cart_id"], r["product_id"])
        first, qty, expires = merged.get(key, (r, 0, 0.0))
        # The hold that speaks for the draft: the latest to end, as storage.held_ticket picks.
        if (-float(r["expires_at"]), r["ticket_id"]) < (-expires, first["ticket_id"]):
            first = r
        merged[key] = (first, qty + int(r["qty"]), max(expires, float(r["expires_at"])))
    out = []
    for r, qty, expires_at in merged.values():
        if r["product_id"] not in forms_of:
            form_or_none = form_of(r)
            assert form_or_none is not None  # the query asks for products with a form
            forms_of[r["product_id"]] = form_or_none
        form = forms_of[r["product_id"]]
        doc = Doc.parse(r["doc"])
        progress: Progress = forms.progress(form, doc.plain(form))
        out.append(
            DraftSummary(
                cart_ref=cart_ref(store_id, r["cart_id"]),
                product_id=r["product_id"],
                product_name=r["name"],
                qty=qty,
                progress=progress,
                shop_editing=editing_now(r["shop_editing"] or "off", doc, r["ticket_id"]),
                last_edit_at=r["last_edit_at"],
                last_edit_by=r["last_edit_by"],
                expires_at=expires_at,
                version=int(r["version"] or 0),
            )
        )
    out.sort(key=lambda s: (-(s.last_edit_at or 0), -s.expires_at, s.cart_ref, s.product_id))
    return out
