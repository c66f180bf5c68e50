"""Checkout's part of personalised products (docs/personalise.md): every held personalised item
needs a finished draft (else `customisation_incomplete`, nothing bought); its order line carries
the customisation and the price the form's rules give; the drafts bought are deleted in the same
transaction (the order keeps what they said).

The draft row is the drafts' storage's (storage/drafts.py); checkout reads only its values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared_protocol.common import Money
from shared_protocol.forms import CustomisedField, FieldValue

from ..domain import forms as rules
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
        draft = one(
            (
                yield Stmt(
                    f"SELECT doc FROM drafts {_DRAFT}", (cart_id, t["store_id"], t["product_id"])
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
    if unfinished:
        raise rules.incomplete(unfinished)
    return out


def forget_drafts(cart_id: str, tickets: list[Row]) -> Plan[None]:
    """The drafts of the personalised tickets bought: the order carries them now."""
    for key in sorted({(t["store_id"], t["product_id"]) for t in tickets}):
        yield Stmt(f"DELETE FROM drafts {_DRAFT}", (cart_id, *key))
