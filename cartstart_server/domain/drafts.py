"""A buyer's draft of a personalised product's form (docs/personalise.md "How drafts work"): what
an edit, a comment and the shop's takeover do to it, when a save renews the hold, and the
refusals' words. The form's own rules (kinds, limits, values, progress, prices) are in
domain/forms.py.

A draft is stored as one JSON document, `{"values": {key: FieldState}, "comments": [...]}`.
Last writer wins per field: the hub applies edits in the order it commits them (the draft's row
is locked for the whole transaction), and each field remembers who wrote it last and when.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.forms import (
    DraftComment,
    Editor,
    FieldState,
    FieldValue,
    FormDefinition,
    ShopEditing,
)

EMPTY_DOC = '{"values": {}, "comments": []}'


@dataclass
class Doc:
    """A draft's document: each field's last write, and the shop's comments in order."""

    values: dict[str, FieldState] = field(default_factory=dict)
    comments: list[DraftComment] = field(default_factory=list)
    # The hold (ticket id) the shop's takeover was asked and allowed under (`editing_now`).
    takeover_hold: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> Doc:
        if not text:
            return cls()
        raw: dict[str, Any] = json.loads(text)
        return cls(
            values={k: FieldState.model_validate(v) for k, v in raw.get("values", {}).items()},
            comments=[DraftComment.model_validate(c) for c in raw.get("comments", [])],
            takeover_hold=raw.get("takeover_hold"),
        )

    def dump(self) -> str:
        return json.dumps(
            {
                "values": {k: v.model_dump(mode="json") for k, v in self.values.items()},
                "comments": [c.model_dump(mode="json") for c in self.comments],
                "takeover_hold": self.takeover_hold,
            },
            ensure_ascii=False,
        )

    def plain(self, form: FormDefinition) -> dict[str, FieldValue]:
        """The values of the form's current fields (a field the store removed is kept in the
        document, in case it comes back, but counts for nothing)."""
        keys = {f.key for f in form.fields}
        return {k: s.value for k, s in self.values.items() if k in keys}

    def shown(self, form: FormDefinition) -> dict[str, FieldState]:
        keys = {f.key for f in form.fields}
        return {k: s for k, s in self.values.items() if k in keys}


def apply_edit(
    doc: Doc, values: Mapping[str, FieldValue], by: Editor, by_name: str, at: float
) -> None:
    """Write each checked value (None clears), remembering who wrote it and when."""
    for key, value in values.items():
        doc.values[key] = FieldState(value=value, by=by, by_name=by_name, at=at)


def add_comment(
    doc: Doc, comment_id: str, field_key: str | None, text: str, by_name: str, at: float
) -> DraftComment:
    """Append a comment already checked (forms.check_comment: its text, the field, the
    draft's limit)."""
    comment = DraftComment(id=comment_id, field=field_key, text=text, by_name=by_name, at=at)
    doc.comments.append(comment)
    return comment


# ---- the shop's takeover: asked by the shop, allowed by the buyer, stopped by either ----------


def editing_now(stored: str, doc: Doc, hold: str | None) -> ShopEditing:
    """The takeover as it stands: it belongs to the hold it was asked and allowed under, so
    once that hold ends (released, expired, bought) it is off, and a later hold of the same
    product starts from off (the buyer's consent is never carried over to a new hold)."""
    if hold is None or doc.takeover_hold != hold:
        return "off"
    return "allowed" if stored == "allowed" else "asked" if stored == "asked" else "off"


def shop_asks(state: ShopEditing) -> ShopEditing:
    """Asking again changes nothing; a buyer who already allowed it stays allowed."""
    return "allowed" if state == "allowed" else "asked"


def buyer_answers(state: ShopEditing, allow: bool) -> ShopEditing:
    """The buyer allows what the shop asked, or says no / stops it at any time."""
    if not allow:
        return "off"
    if state == "off":
        raise ProtocolError(
            ErrorCode.CONFLICT,
            "The shop is not asking to edit this form any more, so there is nothing to allow.",
        )
    return "allowed"


def renews_hold(
    expires_at: float, now: float, warning: float, renewals: int, renewal_limit: int
) -> bool:
    """A buyer's save renews the hold when it ends within the hub's expiry warning, if the
    store's renewal limit allows (otherwise the save succeeds without renewing)."""
    return expires_at - now <= warning and renewals < renewal_limit


# ---- words ------------------------------------------------------------------------------------


def no_draft() -> ProtocolError:
    """For the store: no draft, not personalised, or not held in that cart (all look alike, so
    nothing leaks about carts that no longer hold the product)."""
    return ProtocolError(ErrorCode.NOT_FOUND, "There is no such draft held in a cart now.")


def not_personalised(product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, f"Product “{product_id}” has no form to fill in.", product=product_id
    )


def not_in_cart(product_name: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND,
        f"Put {product_name} in your cart first, then personalise it.",
    )


def other_store_page() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN, "This page is connected to your cart for another store only."
    )


def check_edit_size(count: int) -> None:
    if not 1 <= count <= 40:
        raise ProtocolError(ErrorCode.BAD_VALUE, "Send between 1 and 40 fields in one edit.")
