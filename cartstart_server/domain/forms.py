"""Personalised products as rules (docs/personalise.md): the one place the hub decides whether a
form, an edit and a comment are acceptable, how far a draft is, what a personalised unit costs,
and what an order carries. Pure: no storage, no clock.

The form's own rules live in form_rules.py and the values' in form_values.py; this module is
what the rest of the hub imports."""

from __future__ import annotations

from collections.abc import Mapping

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.forms import CustomisedField, FieldSpec, FieldValue, FormDefinition

from .form_rules import MAX_FIELDS, MAX_RULES, bad_form, check_form, parse_date
from .form_values import check_edit, is_done, normalise, progress, value_text

__all__ = [
    "MAX_COMMENT",
    "MAX_COMMENTS",
    "MAX_FIELDS",
    "MAX_RULES",
    "bad_form",
    "check_comment",
    "check_edit",
    "check_form",
    "customisation",
    "incomplete",
    "is_done",
    "no_form",
    "normalise",
    "parse_date",
    "progress",
    "rule_additions",
    "shop_may_not_edit",
    "unit_price",
    "value_text",
]

MAX_COMMENT = 1000
MAX_COMMENTS = 200


def rule_additions(form: FormDefinition, values: Mapping[str, FieldValue]) -> list[int]:
    """What each price rule adds to the unit price (minor units), in the form's order. A value
    a rule cannot read (empty, or no longer valid after the form changed) adds nothing."""
    fields = {spec.key: spec for spec in form.fields}
    additions = []
    for rule in form.price_rules:
        spec = fields.get(rule.field)
        value = None if spec is None else _valid(spec, values.get(rule.field))
        added = 0
        if rule.kind == "per_option":
            added = (rule.amounts or {}).get(value, 0) if isinstance(value, str) else 0
        elif rule.kind == "per_row" and isinstance(value, list):
            added = (rule.amount or 0) * len(value)
        elif rule.kind == "per_unit" and isinstance(value, int):
            added = (rule.amount or 0) * max(0, value)
        elif rule.kind == "per_character" and isinstance(value, str):
            added = (rule.amount or 0) * sum(1 for ch in value if not ch.isspace())
        additions.append(added)
    return additions


def _valid(spec: FieldSpec, value: FieldValue) -> FieldValue:
    try:
        return normalise(spec, value)
    except ProtocolError:
        return None


def unit_price(base: Money, form: FormDefinition, values: Mapping[str, FieldValue]) -> Money:
    """The product's price plus every price rule's addition, in the product's currency."""
    return Money(amount=base.amount + sum(rule_additions(form, values)), currency=base.currency)


def customisation(form: FormDefinition, values: Mapping[str, FieldValue]) -> list[CustomisedField]:
    """What the order carries: every filled field, in the form's order, with its words."""
    out = []
    for spec in form.fields:
        value = _valid(spec, values.get(spec.key))
        if value is not None:
            out.append(
                CustomisedField(
                    key=spec.key,
                    label=spec.label,
                    kind=spec.kind,
                    value=value,
                    text=value_text(spec, value),
                )
            )
    return out


def incomplete(items: list[tuple[str, str, str, list[str]]]) -> ProtocolError:
    """Checkout refused: (store_id, product_id, product name, missing field labels) per item."""
    named = ", ".join(f"{name} ({', '.join(missing)})" for _, _, name, missing in items)
    return ProtocolError(
        ErrorCode.CUSTOMISATION_INCOMPLETE,
        f"Finish personalising {named} before checking out",
        items=[
            {"store_id": store_id, "product_id": product_id, "name": name, "missing": missing}
            for store_id, product_id, name, missing in items
        ],
    )


def shop_may_not_edit() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "the buyer has not let the shop edit this form")


def check_comment(
    text: str,
    *,
    count: int = 0,
    form: FormDefinition | None = None,
    field: str | None = None,
) -> str:
    """A shop's comment trimmed, or refused: empty, too long, the draft's 200 comments reached
    (`count` = how many it has), or on a field the form does not have."""
    text = text.strip()
    if not 1 <= len(text) <= MAX_COMMENT:
        raise ProtocolError(
            ErrorCode.BAD_VALUE, f"A comment needs 1 to {MAX_COMMENT:,} characters", field=field
        )
    if count >= MAX_COMMENTS:
        raise ProtocolError(
            ErrorCode.CONFLICT,
            f"This draft has {MAX_COMMENTS} comments, the most it keeps",
            field=field,
        )
    if form is not None and field is not None and field not in {f.key for f in form.fields}:
        raise ProtocolError(
            ErrorCode.BAD_VALUE, f"There is no field '{field}' in this form", field=field
        )
    return text


def no_form(product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND, f"product {product_id!r} has no form: it is not personalised"
    )
