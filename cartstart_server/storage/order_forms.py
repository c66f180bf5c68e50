"""Checkout's part of personalised products (docs/personalise.md): every held personalised item
needs a finished draft (else `customisation_incomplete`, nothing bought); its order line carries
the customisation and the price the form's rules give; the drafts bought are deleted in the same
transaction (the order keeps what they said).

The draft row is the drafts' storage's (storage/drafts.py); checkout reads only its values, with
the ticket and then the draft locked, in the order a draft's save locks them: a save either
commits before (the order carries it) or waits for the checkout and then finds the item bought.
Guest carts (a live session's guest, a marketplace solution) cannot fill in a form: theirs is
refused in words they can act on; a marketplace quote accepted is bought as quoted (the firm
priced the request and its notes), with no draft."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared_protocol.common import Money
from shared_protocol.forms import CustomisedField, FieldValue

from ..domain import forms as rules
from ..domain.topics import is_guest_cart
from .forms import form_of
from .sql import Plan, Row, Stmt, one

_DRAFT = "WHERE cart_id = ? AND store_id = ? AND product_id = ?"


@dataclass(frozen=True)
class Personalised:
    """What a personalised ticket is bought as."""

    unit_price: Money
    customisation: list[CustomisedField]


def draft_values(doc: str | None) -> dict[str, FieldValue]:
    """A draft's values (field key -> value) from its JSON document; no draft: none."""
    if doc is None:
        return {}
    states: Mapping[str, Any] = json.loads(doc).get("values") or {}
    return {key: state.get("value") for key, state in states.items()}


def personalised(
    cart_id: str, tickets: list[Row], products: Mapping[tuple[str, str], Row]
) -> Plan[dict[str, Personalised]]:
    """Per ticket id of a personalised product: its price and customisation. Refuses the whole
    checkout, naming every unfinished item and its missing fields, if one is not finished."""
    out: dict[str, Personalised] = {}
    unfinished: list[tuple[str, str, str, list[str]]] = []
    for t in tickets:
        product = products[t["store_id"], t["product_id"]]
        form = form_of(product)
        if form is None:
            continue
        if is_guest_cart(cart_id):
            unfinished.append((t["store_id"], t["product_id"], product["name"], []))
            continue
        # The draft locked after its ticket (orders.checkout locked the cart's held tickets as it
        # read them), the order a save takes too; a no-op UPDATE: SQLite has no FOR UPDATE.
        draft = one(
            (
                yield Stmt(
                    f"UPDATE drafts SET version = version {_DRAFT} RETURNING doc",
                    (cart_id, t["store_id"], t["product_id"]),
                )
            )
        )
        values = draft_values(draft["doc"] if draft else None)
        progress = rules.progress(form, values)
        if not progress.complete:
            unfinished.append((t["store_id"], t["product_id"], product["name"], progress.missing))
            continue
        base = Money(amount=product["price_amount"], currency=product["currency"])
        out[t["id"]] = Personalised(
            rules.unit_price(base, form, values), rules.customisation(form, values)
        )
    if unfinished and is_guest_cart(cart_id):
        raise rules.made_to_order([name for _, _, name, _ in unfinished])
    if unfinished:
        raise rules.incomplete(unfinished)
    return out


def forget_drafts(cart_id: str, tickets: list[Row]) -> Plan[None]:
    """The drafts of the personalised tickets bought: the order carries them now."""
    for key in sorted({(t["store_id"], t["product_id"]) for t in tickets}):
        yield Stmt(f"DELETE FROM drafts {_DRAFT}", (cart_id, *key))
